import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Logger = DynamoDBClient['config']['logger'];

/**
 * The SDK's default (no-op) logger less `info`. Its logger middleware copies every command's
 * input and output through the sensitive-data filter (a walk of the whole shape: a stream
 * page, a transaction) only to hand them to `logger?.info?.()`, which the default logger
 * drops; without `info` that work is skipped. Nothing is logged either way.
 */
export const QUIET_SDK_LOGGER = {
  trace: () => {},
  debug: () => {},
  warn: () => {},
  error: () => {},
} as unknown as Logger;

/** The same for a client made elsewhere (the handlers' own clients, in the stack's process). */
export function quietSdk(client: { config: { logger?: Logger } }): void {
  client.config.logger = QUIET_SDK_LOGGER;
}

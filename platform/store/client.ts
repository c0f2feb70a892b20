import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#platform/config.ts';
import { meterCalls } from '#platform/store/capacity.ts';
import { requireTable } from '#platform/uses.ts';

let documentClient: DynamoDBDocumentClient | undefined;

/** One client per container, created on first use. */
export function db(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint
      ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 5,
  });
  guardTable(client);
  meterCalls(client);
  documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

/**
 * The local stack's stand-in for IAM (platform/uses.ts `requireTable`): every command's
 * keys checked against the running function's declared items before it is sent. At
 * `initialize` a lib-dynamodb command's input is still plain (it marshalls just before
 * serializing) and a low-level command's is marshalled: `requireTable` reads both.
 */
export function guardTable(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requireTable(context.commandName ?? '', args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'requireTable', priority: 'high' },
  );
}

export function tableName(): string {
  return config.tableName;
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import {
  type IdentityQuery,
  type RegistryPort,
  RegistryRefused,
  type RegistryResult,
  RegistryUnavailable,
} from '#contexts/registry/port.ts';
import { clientOptions, config } from '#platform/config.ts';
import { logger } from '#platform/logger.ts';
import { sign } from '#platform/signing.ts';
import { requireUse } from '#platform/uses.ts';

/*
 * The registry's NIK verification API as the programme's agreement with Dukcapil defines
 * it, and as local/registry.ts simulates it. JSON over HTTPS under REGISTRY_ENDPOINT,
 * every request signed with the key the registry issued to the programme, in the scheme
 * the payment partners use (contexts/payouts/payments/https.ts):
 *   X-Prakerja-Key-Id, X-Prakerja-Timestamp (unix seconds, wall clock),
 *   X-Prakerja-Signature: v1=hex(HMAC_SHA256(secret, ts \n METHOD \n path \n hex(SHA256(body))))
 *
 *   POST {base}/v1/nik-verifications  {nik, name, birthDate}
 *     200 {result: 'match' | 'mismatch' | 'not-found'}
 *
 * 5xx, 429 (over the programme's agreed rate), a connection that could not be made and no
 * answer within REGISTRY_TIMEOUT_MS are RegistryUnavailable: the check is asked again
 * later (it changes nothing at the registry, so asking twice is harmless). 400, 401, 403
 * or an answer outside the protocol is RegistryRefused. Nothing here logs the NIK, the
 * name or the birth date: the outcome, the HTTP status and the latency only.
 */

export interface RegistryKey {
  keyId: string;
  secret: string;
}

export interface HttpsRegistryOptions {
  endpoint: string;
  key: RegistryKey | (() => Promise<RegistryKey>);
  timeoutMs?: number;
}

const Answer = z.object({ result: z.enum(['match', 'mismatch', 'not-found']) });

export function httpsRegistry(options: HttpsRegistryOptions): RegistryPort {
  const timeoutMs = options.timeoutMs ?? 5000;
  let key: Promise<RegistryKey> | undefined;
  const keyOf = () => {
    const source = options.key;
    key ??= (typeof source === 'function' ? source() : Promise.resolve(source)).catch((error) => {
      key = undefined;
      throw error;
    });
    return key;
  };
  return {
    async check(query: IdentityQuery): Promise<RegistryResult> {
      requireUse('registry', (u) => !!u.registry);
      const { keyId, secret } = await keyOf();
      const url = new URL(`${options.endpoint.replace(/\/+$/, '')}/v1/nik-verifications`);
      const body = JSON.stringify({ nik: query.nik, name: query.name, birthDate: query.birthDate });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const started = performance.now();
      const log = (outcome: string | number) =>
        logger.info('registry call', { outcome, latencyMs: Math.round(performance.now() - started) });
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            'x-prakerja-key-id': keyId,
            'x-prakerja-timestamp': timestamp,
            'x-prakerja-signature': sign(secret, {
              timestamp,
              method: 'POST',
              pathWithQuery: url.pathname,
              body,
            }),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const name = (error as Error).name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        log(timedOut ? 'timeout' : 'unreachable');
        throw new RegistryUnavailable(
          `registry: ${timedOut ? 'no answer in time' : 'unreachable'}`,
          'timeout',
        );
      }
      log(response.status);
      if (response.status === 429) throw new RegistryUnavailable('registry: over capacity', 'throttled');
      if (response.status >= 500)
        throw new RegistryUnavailable(`registry: HTTP ${response.status}`, 'unavailable');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const answer = Answer.safeParse(parsed);
      if (response.status !== 200 || !answer.success)
        throw new RegistryRefused(`registry: unexpected HTTP ${response.status}`, response.status);
      return answer.data.result;
    },
  };
}

const KeySchema = z.object({ keyId: z.string().min(1), secret: z.string().min(1) });

/** The programme's key at the registry: the secret REGISTRY_SECRET_ARN names on AWS,
 *  REGISTRY_KEY on the local stack. */
async function loadKey(): Promise<RegistryKey> {
  const arn = config.registrySecretArn;
  let text: string | undefined;
  if (arn) {
    const client = new SecretsManagerClient(clientOptions(undefined));
    text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } else text = process.env.REGISTRY_KEY;
  if (!text) throw new Error('missing REGISTRY_SECRET_ARN or REGISTRY_KEY');
  const parsed = KeySchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('the registry key is not {keyId, secret}');
  return parsed.data;
}

let port: RegistryPort | undefined;

/** The registry as this container reaches it: one adapter, its key loaded at the first call. */
export function civilRegistry(): RegistryPort {
  requireUse('registry', (u) => !!u.registry);
  port ??= httpsRegistry({
    endpoint: config.registryEndpoint,
    key: loadKey,
    timeoutMs: config.registryTimeoutMs,
  });
  return port;
}

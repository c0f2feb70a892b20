import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '#platform/config.ts';
import { requireUse } from '#platform/uses.ts';

/** Key material, each a base64 string of 32 random bytes. */
export interface Secrets {
  /** HS256 key for access tokens. */
  jwtKey: string;
  /** HMAC key for looking up NIK and KK by keyed hash. */
  lookupKey: string;
  /** AES-256-GCM key for personal data at rest. */
  dataKey: string;
}

let cached: Promise<Secrets> | undefined;

/** Loaded once per container: from Secrets Manager on AWS (encrypted there with the
 *  customer key), from the environment on the local stack (.local/keys.json). */
export function secrets(): Promise<Secrets> {
  requireUse('secretsmanager:GetSecretValue', (uses) => !!uses.secrets);
  cached ??= load().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(): Promise<Secrets> {
  const arn = config.secretsArn;
  if (arn) {
    const client = new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(out.SecretString ?? '{}') as Secrets;
  }
  const { JWT_KEY, LOOKUP_KEY, DATA_KEY } = process.env;
  if (!JWT_KEY || !LOOKUP_KEY || !DATA_KEY) throw new Error('missing JWT_KEY, LOOKUP_KEY or DATA_KEY');
  return { jwtKey: JWT_KEY, lookupKey: LOOKUP_KEY, dataKey: DATA_KEY };
}

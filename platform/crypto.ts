import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { secrets } from '#platform/secrets.ts';

// Not util.promisify: importing node:util into an ES module makes Node read every one of its
// exports, loading the modules behind its lazy ones (~4 ms of every function's cold start,
// README "Bundles"), for one callback.
const scryptAsync = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
// N=2^14, r=8: ~16 MiB and tens of ms per hash, OWASP's scrypt minimum.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFKC'), salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), 32, SCRYPT);
  return timingSafeEqual(expected, actual);
}

/** Keyed hash used as the lookup key for NIK and KK: equal inputs give equal hashes,
 *  but without the key a table dump cannot be matched against the 16-digit space. */
export async function lookupHash(kind: 'nik' | 'kk', value: string): Promise<string> {
  const { lookupKey } = await secrets();
  return createHmac('sha256', Buffer.from(lookupKey, 'base64'))
    .update(`${kind}:${value}`)
    .digest('base64url');
}

/** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export async function encrypt(plain: string): Promise<string> {
  const { dataKey } = await secrets();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(dataKey, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export async function decrypt(sealed: string): Promise<string> {
  const { dataKey } = await secrets();
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unknown ciphertext format');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(dataKey, 'base64'),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** Short one-time codes are stored hashed; the code itself only travels in the message. */
export function hashCode(code: string, salt: string): string {
  return createHmac('sha256', salt).update(code).digest('base64url');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

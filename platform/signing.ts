import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Partners sign every request (API.md): HMAC-SHA256 over the timestamp, the method, the
// path with its query and the SHA-256 of the raw body, sent as `v1=<hex>`. The same
// functions serve the backend's check, the tests and scripts/sign-request.ts.
export const SIGNATURE_WINDOW_S = 300;

export interface SignedParts {
  timestamp: string;
  method: string;
  pathWithQuery: string;
  body: Buffer | string;
}

export function stringToSign({ timestamp, method, pathWithQuery, body }: SignedParts): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `${timestamp}\n${method.toUpperCase()}\n${pathWithQuery}\n${bodyHash}`;
}

export function sign(secret: string, parts: SignedParts): string {
  return `v1=${createHmac('sha256', secret).update(stringToSign(parts)).digest('hex')}`;
}

/** Constant-time: the comparison takes as long whatever prefix of the signature matches. */
export function signatureMatches(secret: string, parts: SignedParts, signature: string): boolean {
  const expected = Buffer.from(sign(secret, parts));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a unix-seconds timestamp is within the window of `now`. */
export function withinWindow(timestamp: string, now: Date): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(now.getTime() / 1000 - Number(timestamp)) <= SIGNATURE_WINDOW_S;
}

/** The path and query as signed: the query parameters in the order sent, RFC 3986-encoded. */
export function pathWithQuery(
  path: string,
  query: Record<string, string[] | undefined> | null | undefined,
): string {
  const pairs = Object.entries(query ?? {}).flatMap(([name, values]) =>
    (values ?? []).map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`),
  );
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}

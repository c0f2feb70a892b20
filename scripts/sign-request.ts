// Signs and sends one partner request, as API.md specifies; a worked example for
// partners' engineers, and what the tests use.
//
//   npx tsx scripts/sign-request.ts --partner tokopedia PUT /v1/partner/courses/c-101 \
//     '{"title":"Digital marketing","institution":{"id":"lp-1","name":"LP Maju"},"priceIdr":750000,"mode":"online","category":"marketing"}'
//   (--partner reads the key of a seeded partner from .local/stack.json; or give
//    --key-id and --secret, and --api for another server; --quiet prints the body only)
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sign } from '#platform/signing.ts';

export interface PartnerKey {
  keyId: string;
  secret: string;
}

export interface SignedRequest {
  method: string;
  /** Path with its query string, exactly as sent. */
  path: string;
  body?: string | Buffer;
  idempotencyKey?: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
}

// The server accepts each signature once (API.md "Replays"): the same request sent again
// within a second must be signed with another timestamp. Within the 300 s window a
// timestamp a second or two ahead is fine.
const lastTimestamp = new Map<string, number>();

function freshTimestamp(key: PartnerKey, request: SignedRequest): number {
  const id = `${key.keyId}\n${request.method}\n${request.path}\n${createHash('sha256')
    .update(request.body ?? '')
    .digest('hex')}`;
  const timestamp = Math.max(Math.floor(Date.now() / 1000), (lastTimestamp.get(id) ?? 0) + 1);
  lastTimestamp.set(id, timestamp);
  return timestamp;
}

/** The headers of a signed request. */
export function signatureHeaders(key: PartnerKey, request: SignedRequest): Record<string, string> {
  const timestamp = String(request.timestamp ?? freshTimestamp(key, request));
  return {
    'x-prakerja-key-id': key.keyId,
    'x-prakerja-timestamp': timestamp,
    'x-prakerja-signature': sign(key.secret, {
      timestamp,
      method: request.method,
      pathWithQuery: request.path,
      body: request.body ?? '',
    }),
    ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
    ...(request.body ? { 'content-type': 'application/json' } : {}),
  };
}

export async function sendSigned(
  apiUrl: string,
  key: PartnerKey,
  request: SignedRequest,
  /** Sent too, unsigned (the tests' X-Local-Clock). */
  headers: Record<string, string> = {},
) {
  const response = await fetch(apiUrl + request.path, {
    method: request.method,
    headers: { ...headers, ...signatureHeaders(key, request) },
    body: request.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      partner: { type: 'string' },
      'key-id': { type: 'string' },
      secret: { type: 'string' },
      api: { type: 'string' },
      'idempotency-key': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const [method, path, body] = positionals;
  if (!method || !path) {
    console.error(
      'usage: sign-request.ts (--partner <code> | --key-id=K --secret=S) [--api=URL] METHOD PATH [JSON]\n' +
        '(a secret may begin with "-": give it as --secret=S)',
    );
    process.exit(2);
  }
  let api = values.api;
  let key: PartnerKey;
  if (values.partner) {
    const stack = JSON.parse(readFileSync(join(process.env.STACK_DIR ?? '.local', 'stack.json'), 'utf8'));
    const partner = stack.partners.find((p: { code: string }) => p.code === values.partner);
    if (!partner) throw new Error(`no seeded partner ${values.partner}`);
    key = { keyId: partner.keyId, secret: partner.secret };
    api ??= stack.apiUrl;
  } else key = { keyId: values['key-id'] ?? '', secret: values.secret ?? '' };
  // Every partner POST needs an Idempotency-Key: a fresh one unless given (give the same
  // one to retry safely).
  const idempotencyKey =
    values['idempotency-key'] ?? (method.toUpperCase() === 'POST' ? randomUUID() : undefined);
  const request = {
    method: method.toUpperCase(),
    path,
    ...(body ? { body } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  // --quiet prints the answer's body only, for scripts (jq).
  if (!values.quiet) console.log(JSON.stringify(signatureHeaders(key, request), null, 2));
  const answer = await sendSigned(api ?? 'http://127.0.0.1:3000', key, request);
  if (values.quiet) console.log(JSON.stringify(answer.body));
  else console.log(answer.status, JSON.stringify(answer.body, null, 2));
  if (answer.status >= 400) process.exitCode = 1;
}

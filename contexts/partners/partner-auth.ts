import type { APIGatewayProxyEvent } from 'aws-lambda';
import { cachedCredential, cachedPartner } from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { takeRateToken } from '#platform/http/rate-limit.ts';
import {
  acceptSignatureOnce,
  type PartnerCaller,
  type SignedWrite,
  signatureSeen,
} from '#platform/http/signatures.ts';
import type { Principal } from '#platform/principal.ts';
import { pathWithQuery, signatureMatches, withinWindow } from '#platform/signing.ts';

// Partners' requests (API.md): key id, timestamp and HMAC-SHA256 signature headers.
// 401 for anything wrong with the credentials (unknown or revoked key, timestamp outside
// 300 s of the backend clock, signature mismatch); 403 for a partner that is not LIVE or
// a key of the other kind of partner; 429 over the partner's own rate. The key and the
// partner are read at most every PARTNER_CACHE_TTL_MS per container, and the rate is
// counted in memory (platform/http/rate-limit.ts): a read costs no DynamoDB call.

export async function authenticatePartner(
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
  kind: 'platform' | 'payment',
  options: {
    /** Whether the route keeps first answers by Idempotency-Key: only there may a seen
     *  signature pass again (to get the first answer back, without acting). */
    idempotent?: boolean;
    /** The route's transaction remembers the signature (with its Idempotency-Key record):
     *  hand it back instead of writing it here. */
    deferSignature?: boolean;
  } = {},
): Promise<PartnerCaller> {
  const keyId = headers['x-prakerja-key-id'];
  const timestamp = headers['x-prakerja-timestamp'];
  const signature = headers['x-prakerja-signature'];
  if (!keyId || !timestamp || !signature || keyId.length > 64 || signature.length > 80)
    throw problems.unauthorized(
      'Sign the request: X-Prakerja-Key-Id, X-Prakerja-Timestamp, X-Prakerja-Signature.',
    );
  if (!withinWindow(timestamp, clock.now()))
    throw problems.unauthorized('X-Prakerja-Timestamp is more than 300 s away from the server clock.');
  const credential = await cachedCredential(keyId);
  if (credential?.status !== 'ACTIVE') throw problems.unauthorized('Unknown or revoked key.');
  const body = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  const parts = {
    timestamp,
    method: event.httpMethod,
    pathWithQuery: pathWithQuery(event.path, event.multiValueQueryStringParameters),
    body,
  };
  if (!signatureMatches(credential.secret, parts, signature))
    throw problems.unauthorized('The signature does not match.');
  const partner = await cachedPartner(credential.partnerId);
  if (partner?.status !== 'LIVE') throw problems.forbidden('The partner is not LIVE.');
  if (partner.kind !== kind) throw problems.forbidden(`This route is for ${kind} partners.`);
  if (!takeRateToken(partner.partnerId, partner.rateLimitPerSecond ?? DEFAULT_RATE, performance.now()))
    throw new Problem('rate-limited', 'Over the partner rate limit; retry after a second.');
  const principal = {
    accountId: `partner:${partner.partnerId}`,
    role: kind,
    partnerId: partner.partnerId,
    keyId,
  };
  // Reads act on nothing; every write's signature acts once (API.md "Replays").
  if (event.httpMethod === 'GET') return { principal };
  const write: SignedWrite = {
    keyId,
    signature,
    timestamp: Number(timestamp),
    idempotencyKey: options.idempotent ? headers['idempotency-key'] : undefined,
  };
  if (options.deferSignature && write.idempotencyKey) return { principal, signature: write };
  if (!(await acceptSignatureOnce(write))) throw signatureSeen();
  return { principal };
}

export const DEFAULT_RATE = 100;

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { clock } from '#shared/clock.ts';
import { pathWithQuery, signatureMatches, withinWindow } from '#shared/domain/signing.ts';
import type { Principal } from '#shared/http/auth.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { getCredential, getPartner } from '#shared/store/partners.ts';
import { takeRateToken } from '#shared/store/rate-limit.ts';
import { acceptSignatureOnce } from '#shared/store/signatures.ts';

// Partners' requests (API.md): key id, timestamp and HMAC-SHA256 signature headers.
// 401 for anything wrong with the credentials (unknown or revoked key, timestamp outside
// 300 s of the backend clock, signature mismatch); 403 for a partner that is not LIVE or
// a key of the other kind of partner; 429 over the partner's own rate.

export async function authenticatePartner(
  event: APIGatewayProxyEvent,
  headers: Record<string, string>,
  kind: 'platform' | 'payment',
  /** Whether the route keeps first answers by Idempotency-Key: only there may a seen
   *  signature pass again (to get the first answer back, without acting). */
  idempotent = false,
): Promise<Principal> {
  const keyId = headers['x-prakerja-key-id'];
  const timestamp = headers['x-prakerja-timestamp'];
  const signature = headers['x-prakerja-signature'];
  if (!keyId || !timestamp || !signature || keyId.length > 64 || signature.length > 80)
    throw problems.unauthorized(
      'Sign the request: X-Prakerja-Key-Id, X-Prakerja-Timestamp, X-Prakerja-Signature.',
    );
  const now = clock.now();
  if (!withinWindow(timestamp, now))
    throw problems.unauthorized('X-Prakerja-Timestamp is more than 300 s away from the server clock.');
  const credential = await getCredential(keyId);
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
  const partner = await getPartner(credential.partnerId);
  if (partner?.status !== 'LIVE') throw problems.forbidden('The partner is not LIVE.');
  if (partner.kind !== kind) throw problems.forbidden(`This route is for ${kind} partners.`);
  if (!(await takeRateToken(partner.partnerId, partner.rateLimitPerSecond ?? DEFAULT_RATE, now)))
    throw new Problem('rate-limited', 'Over the partner rate limit; retry after a second.');
  // Reads act on nothing; every write's signature acts once (API.md "Replays").
  if (
    event.httpMethod !== 'GET' &&
    !(await acceptSignatureOnce(
      keyId,
      signature,
      Number(timestamp),
      idempotent ? headers['idempotency-key'] : undefined,
    ))
  )
    throw problems.unauthorized('This signed request was accepted before: sign each request anew.');
  return { accountId: `partner:${partner.partnerId}`, role: kind, partnerId: partner.partnerId, keyId };
}

export const DEFAULT_RATE = 100;

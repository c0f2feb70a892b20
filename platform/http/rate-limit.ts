// Each partner's agreed rate (`rateLimitPerSecond`), as a token bucket per partner in
// this container's memory: no DynamoDB call per request. A bucket holds one second of
// requests (the burst) and refills at the rate. It is per container: on AWS N warm
// containers of a function admit up to N times the rate between them, and the global
// line is WAF's rule per X-Prakerja-Key-Id (cdk/constructs/firewall.ts); locally one
// process serves every route, so it is exact.

interface Bucket {
  tokens: number;
  atMs: number;
}

const buckets = new Map<string, Bucket>();

/** Takes one token from the partner's bucket; false when it is empty. `nowMs` is a
 *  monotonic time (performance.now()): moving the business clock does not refill it. */
export function takeRateToken(partnerId: string, perSecond: number, nowMs: number): boolean {
  const bucket = buckets.get(partnerId) ?? { tokens: perSecond, atMs: nowMs };
  const elapsedS = Math.max(0, nowMs - bucket.atMs) / 1000;
  bucket.tokens = Math.min(perSecond, bucket.tokens + elapsedS * perSecond);
  bucket.atMs = nowMs;
  buckets.set(partnerId, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

// CORS for the web front end (API.md: "the API answers CORS preflights for the web front
// end's own origin only"). One declaration: API Gateway's OPTIONS mock (cdk/constructs/
// api.ts) and the local adapter answer preflights from it, and every handler's answer
// carries the origin header only for a request from exactly that origin.

export const CORS = {
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  exposeHeaders: ['idempotent-replayed', 'retry-after', 'x-request-id'],
  maxAgeSeconds: 600,
} as const;

/** The one origin allowed (scheme, host and port), from WEB_ORIGIN; none when unset. */
export function webOrigin(): string | undefined {
  return process.env.WEB_ORIGIN || undefined;
}

/** Headers for an answer to a request from `origin`: none unless it is the web origin. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  const allowed = webOrigin();
  const vary = { vary: 'origin' };
  if (!allowed || origin !== allowed) return vary;
  return {
    ...vary,
    'access-control-allow-origin': allowed,
    'access-control-expose-headers': CORS.exposeHeaders.join(', '),
  };
}

/** A preflight's answer for a path served with `methods`. */
export function preflightHeaders(origin: string | undefined, methods: string[]): Record<string, string> {
  const headers = corsHeaders(origin);
  if (!headers['access-control-allow-origin']) return headers;
  return {
    ...headers,
    'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS.allowHeaders.join(', '),
    'access-control-max-age': String(CORS.maxAgeSeconds),
  };
}

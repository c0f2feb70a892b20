// CORS for the web front end (API.md: "the API answers CORS preflights for the web front
// end's own origin only"; the front end now has two, the citizens' site and the
// administrators' console). One declaration: API Gateway's OPTIONS mock (cdk/constructs/
// api.ts) and the local adapter answer preflights from it, and every handler's answer
// carries the origin header only for a request from exactly one of those origins.

export const CORS = {
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-admission-token'],
  exposeHeaders: ['idempotent-replayed', 'retry-after', 'x-request-id'],
  maxAgeSeconds: 600,
} as const;

/**
 * The origins allowed (scheme, host and port each), from WEB_ORIGIN: one origin or a
 * comma-separated list (the citizens' site and the administrators' console each have
 * their own); none when unset. A trailing slash is not part of an origin and is dropped.
 */
export function webOrigins(): string[] {
  return (process.env.WEB_ORIGIN ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

/** Headers for an answer to a request from `origin`: none unless it is one of the web
 *  origins, and then that origin exactly (a browser accepts one origin, never a list). */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  const vary = { vary: 'origin' };
  if (!origin || !webOrigins().includes(origin)) return vary;
  return {
    ...vary,
    'access-control-allow-origin': origin,
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

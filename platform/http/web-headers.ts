// The web front end's response headers, declared once: CloudFront's response headers
// policy (cdk/constructs/web.ts) and the local stack's static server (local/web.ts)
// both send exactly these, on both origins (the citizens' site and the administrators'
// console): `'self'` in the CSP is each origin itself, so neither page may load or call
// the other's origin; the API is named by its own origin.

/** Content-Security-Policy: our own files only, and calls to the API's origin. */
export function contentSecurityPolicy(apiOrigin: string): string {
  const connect = apiOrigin ? `'self' ${apiOrigin}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The favicon is `data:,` so that a slow phone makes no extra request for it.
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // Every form is sent by script; a native submission (which would put a password in a
    // URL and the CDN's logs) is refused outright.
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const WEB_SECURITY_HEADERS = {
  strictTransportSecurity: { maxAgeSeconds: 63_072_000, includeSubdomains: true, preload: true },
  frameOptions: 'DENY',
  referrerPolicy: 'strict-origin-when-cross-origin',
  contentTypeOptions: 'nosniff',
  permissionsPolicy: 'camera=(), microphone=(), geolocation=(), payment=()',
} as const;

/** Hashed assets never change under their name; the HTML and config.json always revalidate. */
export const WEB_CACHE_CONTROL = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
} as const;

/** The headers as one map, for a server that writes them itself (the local stack). */
export function webSecurityHeaders(apiOrigin: string): Record<string, string> {
  const hsts = WEB_SECURITY_HEADERS.strictTransportSecurity;
  return {
    'content-security-policy': contentSecurityPolicy(apiOrigin),
    'strict-transport-security': `max-age=${hsts.maxAgeSeconds}; includeSubDomains; preload`,
    'x-frame-options': WEB_SECURITY_HEADERS.frameOptions,
    'referrer-policy': WEB_SECURITY_HEADERS.referrerPolicy,
    'x-content-type-options': WEB_SECURITY_HEADERS.contentTypeOptions,
    'permissions-policy': WEB_SECURITY_HEADERS.permissionsPolicy,
  };
}

import { describe, expect, it } from 'vitest';
import { stack } from '#test/support/api.ts';

// The web front end's origins (locally the stack's two, the citizens' and the console's,
// unless WEB_ORIGIN names others) are the only ones CORS admits, each named exactly;
// preflights are answered as API Gateway's mock does.
const preflight = (path: string, origin: string) =>
  fetch(stack().apiUrl + path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, idempotency-key',
    },
  });

describe('CORS', () => {
  it('answers a preflight from the web origin with what the browser needs', async () => {
    const web = stack().apiUrl;
    const r = await preflight('/v1/accounts', web);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(web);
    expect(r.headers.get('access-control-allow-methods')).toContain('POST');
    expect(r.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(r.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('allows no other origin, on preflights and on answers', async () => {
    for (const origin of ['https://evil.example', 'null', `${stack().apiUrl}.evil.example`]) {
      const r = await preflight('/v1/accounts', origin);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      const get = await fetch(`${stack().apiUrl}/v1/waves`, { headers: { origin } });
      expect(get.status).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets the web origin read answers and refusals, with the headers it needs', async () => {
    const web = stack().apiUrl;
    const ok = await fetch(`${stack().apiUrl}/v1/waves`, { headers: { origin: web } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(web);
    expect(ok.headers.get('vary')).toContain('origin');
    const refused = await fetch(`${stack().apiUrl}/v1/me`, { headers: { origin: web } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(web);
    expect((await preflight('/v1/no-such-route', web)).status).toBe(404);
  });

  it("admits the console's origin too, naming it and not the citizens'", async () => {
    const { consoleUrl } = stack();
    const r = await preflight('/v1/sessions', consoleUrl);
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(consoleUrl);
    expect(r.headers.get('vary')).toContain('origin');
    const ok = await fetch(`${stack().apiUrl}/v1/waves`, { headers: { origin: consoleUrl } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(consoleUrl);
    // The console's listener serves the same API, for the console's own same-origin calls.
    const same = await fetch(`${consoleUrl}/v1/waves`, { headers: { origin: consoleUrl } });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBe(consoleUrl);
  });
});

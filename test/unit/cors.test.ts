import { afterEach, describe, expect, it } from 'vitest';
import { corsHeaders, preflightHeaders, webOrigins } from '#platform/http/cors.ts';

// WEB_ORIGIN names one origin or several (the citizens' site and the console each have
// their own): an answer names exactly the requesting origin when it is one of them.
const CITIZENS = 'https://warga.prakerja.example';
const CONSOLE = 'https://konsol.prakerja.example';
const saved = process.env.WEB_ORIGIN;
afterEach(() => {
  if (saved === undefined) delete process.env.WEB_ORIGIN;
  else process.env.WEB_ORIGIN = saved;
});

describe('CORS origins', () => {
  it('reads one origin or a comma-separated list, spaces and trailing slashes aside', () => {
    process.env.WEB_ORIGIN = CITIZENS;
    expect(webOrigins()).toEqual([CITIZENS]);
    process.env.WEB_ORIGIN = ` ${CITIZENS}/ , ${CONSOLE},, `;
    expect(webOrigins()).toEqual([CITIZENS, CONSOLE]);
    process.env.WEB_ORIGIN = '';
    expect(webOrigins()).toEqual([]);
    delete process.env.WEB_ORIGIN;
    expect(webOrigins()).toEqual([]);
  });

  it('names exactly the requesting origin when it is listed, on answers and preflights', () => {
    process.env.WEB_ORIGIN = `${CITIZENS},${CONSOLE}`;
    for (const origin of [CITIZENS, CONSOLE]) {
      const answer = corsHeaders(origin);
      expect(answer['access-control-allow-origin']).toBe(origin);
      expect(answer.vary).toBe('origin');
      expect(answer['access-control-expose-headers']).toContain('idempotent-replayed');
      const preflight = preflightHeaders(origin, ['POST']);
      expect(preflight['access-control-allow-origin']).toBe(origin);
      expect(preflight.vary).toBe('origin');
      expect(preflight['access-control-allow-methods']).toBe('POST, OPTIONS');
      expect(preflight['access-control-allow-headers']).toContain('idempotency-key');
    }
  });

  it('allows no other origin, nor a list as one origin, and still varies on it', () => {
    process.env.WEB_ORIGIN = `${CITIZENS},${CONSOLE}`;
    for (const origin of [
      undefined,
      '',
      'null',
      'https://evil.example',
      `${CITIZENS}.evil.example`,
      `${CITIZENS}/`,
      CITIZENS.toUpperCase(),
      `${CITIZENS},${CONSOLE}`,
      'http://warga.prakerja.example',
    ]) {
      expect(corsHeaders(origin), String(origin)).toEqual({ vary: 'origin' });
      expect(preflightHeaders(origin, ['GET']), String(origin)).toEqual({ vary: 'origin' });
    }
  });

  it('allows nothing when WEB_ORIGIN is unset, as before', () => {
    delete process.env.WEB_ORIGIN;
    expect(corsHeaders(CITIZENS)).toEqual({ vary: 'origin' });
    process.env.WEB_ORIGIN = CITIZENS;
    expect(corsHeaders(CITIZENS)['access-control-allow-origin']).toBe(CITIZENS);
    expect(corsHeaders(CONSOLE)).toEqual({ vary: 'origin' });
  });
});

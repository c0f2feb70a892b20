import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer } from '#local/web.ts';
import { WEB_CACHE_CONTROL } from '#shared/http/web-headers.ts';

// The local stand-in for S3 + CloudFront: the same headers, and nothing but web/dist.
const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
mkdirSync(join(dist, 'admin'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<h1>citizen</h1>');
writeFileSync(join(dist, 'admin', 'index.html'), '<h1>admin</h1>');
writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'secret.txt'), 'outside');

let server: Server;
let port: number;
beforeAll(async () => {
  const serve = createWebServer(dist);
  server = createServer((req, res) => {
    if (!serve(req, res, new URL(req.url ?? '/', 'http://x').pathname)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

// Raw paths: fetch() would normalise the dot segments away before they reach the server.
function get(path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the local web server', () => {
  it('serves / and /admin/ with the security headers and revalidated HTML', async () => {
    for (const [path, body] of [
      ['/', 'citizen'],
      ['/admin/', 'admin'],
      ['/admin', 'admin'],
    ] as const) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.body).toContain(body);
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['strict-transport-security']).toContain('max-age=');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.revalidate);
    }
  });

  it('caches hashed assets for good and names the API in config.json', async () => {
    const asset = await get('/assets/app-abc123.js');
    expect(asset.headers['cache-control']).toBe(WEB_CACHE_CONTROL.immutable);
    expect(asset.headers['content-type']).toContain('text/javascript');
    const config = await get('/config.json');
    expect(JSON.parse(config.body)).toEqual({ apiUrl: '' });
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%00index.html',
    '/%E0%A4%A',
    '/nope.js',
  ])('serves nothing outside the build for %s', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('outside');
  });

  it('answers HEAD without a body and leaves other methods to the API', async () => {
    const head = await get('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get('/', 'POST')).status).toBe(404);
  });
});

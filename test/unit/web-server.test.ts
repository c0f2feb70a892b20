import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, createWebServer, sitePath, type WebSite } from '#local/web.ts';
import { WEB_CACHE_CONTROL } from '#platform/http/web-headers.ts';
import { tempDir } from '#test/support/temp.ts';

// The local stand-in for S3 + CloudFront: the same headers, nothing but web/dist, and
// gzip when the browser accepts it, as CloudFront compresses. Two sites of one build, each
// on an origin of its own: the citizens' (no console) and the console's (nothing else).
const dist = tempDir('web-dist-');
mkdirSync(join(dist, 'admin'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<h1>citizen</h1>');
writeFileSync(join(dist, 'admin', 'index.html'), '<h1>admin</h1>');
writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'secret.txt'), 'outside');
const script = `export const words = ${JSON.stringify('kata '.repeat(2000))};\n`;
writeFileSync(join(dist, 'assets', 'words-abc123.js'), script);
writeFileSync(join(dist, 'assets', 'logo-abc123.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));

const servers: Server[] = [];
const ports = {} as Record<WebSite, number>;
beforeAll(async () => {
  for (const site of ['citizens', 'console'] as const) {
    const serve = createWebServer(dist, site);
    const server = createServer((req, res) => {
      if (!serve(req, res, new URL(req.url ?? '/', 'http://x').pathname)) {
        res.writeHead(404);
        res.end();
      }
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports[site] = (server.address() as AddressInfo).port;
  }
});
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

// Raw paths: fetch() would normalise the dot segments away before they reach the server.
function get(path: string, method = 'GET', site: WebSite = 'citizens') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ports[site], path, method }, (res) => {
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
  it("serves each site's page at / with the security headers and revalidated HTML", async () => {
    for (const [site, path, body] of [
      ['citizens', '/', 'citizen'],
      ['citizens', '/index.html', 'citizen'],
      ['console', '/', 'admin'],
    ] as const) {
      const r = await get(path, 'GET', site);
      expect(r.status).toBe(200);
      expect(r.body).toContain(body);
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("form-action 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['strict-transport-security']).toContain('max-age=');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.revalidate);
    }
  });

  it('caches hashed assets for good and names the API in config.json, on both sites', async () => {
    for (const site of ['citizens', 'console'] as const) {
      const asset = await get('/assets/app-abc123.js', 'GET', site);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe(WEB_CACHE_CONTROL.immutable);
      expect(asset.headers['content-type']).toContain('text/javascript');
      const config = await get('/config.json', 'GET', site);
      expect(JSON.parse(config.body)).toEqual({ apiUrl: '' });
    }
  });

  it.each([
    '/admin',
    '/admin/',
    '/admin/index.html',
    '/admin/nope.js',
    '/%61dmin/',
    '/admin%2findex.html',
    '/assets/..%2fadmin/index.html',
  ])("does not serve the console on the citizens' site: %s", async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('admin');
  });

  it.each(['/index.html', '/nope.js', '/admin/nope.js', '/assets/', '/..%2findex.html'])(
    'serves nothing but its page and the assets on the console site: %s',
    async (path) => {
      const r = await get(path, 'GET', 'console');
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('citizen');
    },
  );

  it.each([
    ['/admin', '/'],
    ['/admin/', '/'],
    ['/admin/index.html', '/'],
    ['/admin/?lang=en', '/?lang=en'],
  ])("redirects the console site's %s to %s", async (path, location) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await get(path, method, 'console');
      expect(r.status).toBe(301);
      expect(r.headers.location).toBe(location);
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.body).toBe('');
    }
  });

  it('decides on the decoded, normalised path', () => {
    expect(sitePath('citizens', '/')).toEqual({ file: '' });
    expect(sitePath('citizens', '/assets/../admin/')).toBeUndefined();
    expect(sitePath('citizens', '/administrators.html')).toEqual({ file: 'administrators.html' });
    expect(sitePath('console', '/')).toEqual({ file: 'admin/index.html' });
    expect(sitePath('console', '/assets/app-abc123.js')).toEqual({ file: 'assets/app-abc123.js' });
    expect(sitePath('console', '/assets/../index.html')).toBeUndefined();
    expect(sitePath('console', '/%E0%A4%A')).toBeUndefined();
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

/** A raw GET with Accept-Encoding (fetch would decode the body and hide the encoding). */
function getEncoded(path: string, acceptEncoding?: string) {
  return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
    const req = request({ host: '127.0.0.1', port: ports.citizens, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local web server compresses', () => {
  it('gzips a hashed script for a browser that accepts gzip, with its length and cache policy', async () => {
    const r = await getEncoded('/assets/words-abc123.js', 'gzip, deflate, br');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('accept-encoding');
    expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.immutable);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(r.body).toString()).toBe(script);
  });

  it('sends the file as it is without Accept-Encoding, and never gzips an image', async () => {
    const plain = await getEncoded('/assets/words-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const image = await getEncoded('/assets/logo-abc123.png', 'gzip');
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.body.length).toBe(4);
  });

  it('gzips the page too, which always revalidates', async () => {
    const r = await getEncoded('/', 'gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.revalidate);
    expect(gunzipSync(r.body).toString()).toContain('citizen');
  });

  it.each([
    ['gzip', true],
    ['br, gzip;q=0.5', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['br', false],
    ['*', true],
    ['gzip;q=0, *', false],
    ['', false],
  ])('reads Accept-Encoding %j as gzip allowed: %s', (header, allowed) => {
    expect(acceptsGzip(header)).toBe(allowed);
  });
});

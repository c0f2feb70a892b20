import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, createWebServer } from '#local/web.ts';
import { WEB_CACHE_CONTROL } from '#shared/http/web-headers.ts';

// The local stand-in for S3 + CloudFront: gzip when the browser accepts it, as CloudFront does.
const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
const script = `export const words = ${JSON.stringify('kata '.repeat(2000))};\n`;
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), script);
  writeFileSync(join(dist, 'assets', 'logo-abc123.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const serve = createWebServer(dist);
  server = createServer((req, res) => {
    if (!serve(req, res, new URL(req.url!, 'http://x').pathname)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A raw GET (fetch would decode the body and hide the encoding's length). */
async function get(path: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, {
        headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the local web server', () => {
  it('gzips a hashed script for a browser that accepts gzip, with its length and cache policy', async () => {
    const r = await get('/assets/app-abc123.js', 'gzip, deflate, br');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('accept-encoding');
    expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.immutable);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(r.body).toString()).toBe(script);
  });

  it('sends the file as it is without Accept-Encoding, and never gzips an image', async () => {
    const plain = await get('/assets/app-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const image = await get('/assets/logo-abc123.png', 'gzip');
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.body.length).toBe(4);
  });

  it('gzips the page too, which always revalidates', async () => {
    const r = await get('/', 'gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['cache-control']).toBe(WEB_CACHE_CONTROL.revalidate);
    expect(gunzipSync(r.body).toString()).toContain('<title>x</title>');
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

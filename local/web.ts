import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WEB_CACHE_CONTROL, webSecurityHeaders } from '#shared/http/web-headers.ts';

// The local stand-in for S3 + CloudFront: serves the built web front end (web/dist, from
// `npm run build:web`) at `/` with the same security headers and caching rules, and
// `/config.json` naming the API (same origin here, so empty).
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const WEB_DIST = new URL('../web/dist/', import.meta.url);

export function createWebServer(distDir: string = WEB_DIST.pathname) {
  const root = normalize(distDir);
  const security = webSecurityHeaders('');
  /** Answers a GET or HEAD for a file of the front end; false when it is not one. */
  return function serveWeb(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (pathname === '/config.json') {
      res.writeHead(200, {
        ...security,
        'content-type': TYPES['.json']!,
        'cache-control': WEB_CACHE_CONTROL.revalidate,
      });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ apiUrl: '' }));
      return true;
    }
    const file = resolveFile(root, pathname);
    if (!file) return false;
    const immutable = pathname.startsWith('/assets/');
    res.writeHead(200, {
      ...security,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(statSync(file).size),
      'cache-control': immutable ? WEB_CACHE_CONTROL.immutable : WEB_CACHE_CONTROL.revalidate,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}

/** A folder (`/`, `/admin`, `/admin/`) is its index.html, as the CloudFront Function maps
 *  it; nothing outside the dist folder is reachable. */
function resolveFile(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  let file = normalize(join(root, decoded));
  if (!`${file}${sep}`.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, posix, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { WEB_CACHE_CONTROL, webSecurityHeaders } from '#platform/http/web-headers.ts';

// The local stand-in for S3 + CloudFront: serves the built web front end (web/dist, from
// `npm run build:web`) with the same security headers and caching rules, and
// `/config.json` naming the API (same origin here, so empty). Text files go gzipped to a
// browser that accepts it, as CloudFront compresses them, so a throttled page load here
// moves the bytes a phone would.
//
// One build, two sites, each on an origin of its own (as two CloudFront distributions of
// one bucket), so that neither page shares a sessionStorage or a CSP scope with the other:
// - citizens: every file of the build but the console's (`/admin`, `/admin/...`: not found);
// - console: its page at `/`, the hashed `/assets/*` and `/config.json`, nothing else
//   (the citizens' page is not loadable there); `/admin`, `/admin/` and
//   `/admin/index.html` redirect (301) to `/`.
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** What CloudFront compresses: text, not images that are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg']);

export const WEB_DIST = new URL('../web/dist/', import.meta.url);

/** Which of the two sites a listener serves. */
export type WebSite = 'citizens' | 'console';

/** The console's page in the build (one Vite build holds both pages). */
const CONSOLE_PAGE = 'admin/index.html';

/**
 * What `site` answers for a GET of `pathname` (config.json aside): a file of the build,
 * by its path inside it; a redirect; or nothing (not found). Decided on the decoded,
 * normalised path, so that `/%61dmin/` or `/assets/../admin/` is `/admin/` here too.
 */
export function sitePath(
  site: WebSite,
  pathname: string,
): { file: string } | { redirect: string } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  // `/a/../b/` is `b`; nothing climbs above the root.
  const path = posix.normalize(`/${decoded}`).replace(/^\/+|\/+$/g, '');
  const inConsole = path === 'admin' || path.startsWith('admin/');
  if (site === 'citizens') return inConsole ? undefined : { file: path };
  if (path === '') return { file: CONSOLE_PAGE };
  if (path === 'admin' || path === CONSOLE_PAGE) return { redirect: '/' };
  return path.startsWith('assets/') ? { file: path } : undefined;
}

export function createWebServer(distDir: string = WEB_DIST.pathname, site: WebSite = 'citizens') {
  const root = normalize(distDir);
  const security = webSecurityHeaders('');
  // Each file gzipped once per version of it (the dist folder is rebuilt under a running stack).
  const gzipped = new Map<string, { mtimeMs: number; body: Buffer }>();
  const gzipOf = (file: string, mtimeMs: number): Buffer => {
    const cached = gzipped.get(file);
    if (cached?.mtimeMs === mtimeMs) return cached.body;
    const body = gzipSync(readFileSync(file), { level: 9 });
    gzipped.set(file, { mtimeMs, body });
    return body;
  };
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
    const target = sitePath(site, pathname);
    if (!target) return false;
    if ('redirect' in target) {
      // The fragment (the console's hash route) is the browser's to keep across a redirect.
      const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      res.writeHead(301, {
        ...security,
        location: target.redirect + query,
        'cache-control': WEB_CACHE_CONTROL.revalidate,
      });
      res.end();
      return true;
    }
    const file = resolveFile(root, target.file);
    if (!file) return false;
    const immutable = target.file.startsWith('assets/');
    const stat = statSync(file);
    const headers: Record<string, string> = {
      ...security,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? WEB_CACHE_CONTROL.immutable : WEB_CACHE_CONTROL.revalidate,
    };
    if (COMPRESSIBLE.has(extname(file))) {
      headers.vary = 'accept-encoding';
      if (acceptsGzip(req.headers['accept-encoding'])) {
        const body = gzipOf(file, stat.mtimeMs);
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
      }
    }
    res.writeHead(200, { ...headers, 'content-length': String(stat.size) });
    if (req.method === 'HEAD') res.end();
    // The file may vanish under a rebuild (emptyOutDir): end this answer, not the stack.
    else pipeline(createReadStream(file), res).catch(() => res.destroy());
    return true;
  };
}

/** A file of the build by its (decoded) path inside it; a folder is its index.html, as the
 *  CloudFront Function maps it; nothing outside the dist folder is reachable. */
function resolveFile(root: string, path: string): string | undefined {
  let file = normalize(join(root, path));
  if (!`${file}${sep}`.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** Accept-Encoding allows gzip: listed with a q-value above 0, or unlisted and `*` allowed. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const weights = new Map<string, number>();
  for (const part of value.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(coding.trim(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Two static apps, each its own page so the citizen's first page carries nothing of
// the console: `index.html` (citizens, at `/`) and `admin/index.html` (administrators,
// served at `/` of an origin of its own: local/web.ts, and a distribution of its own on
// AWS). One build for both origins: every URL in it is absolute (`/assets/...`), so the
// console's page works wherever it is served. Hash routes inside each, so S3 + CloudFront
// and the local stack serve plain files with no rewrite rules beyond the page at `/`.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Content-hashed names: cached forever; only the two HTML files are revalidated.
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: { input: { citizen: here('index.html'), admin: here('admin/index.html') } },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});

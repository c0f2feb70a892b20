import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm run demo` and `npm run seed:demo` run is not test code: scripts/ imports nothing
// from test/ (the tests may import scripts/, as test/support does).
const root = new URL('../../scripts/', import.meta.url).pathname;
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('scripts/', () => {
  it.each(files)('%s imports no test code', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(imports.filter((i) => i.startsWith('#test/') || /(^|\/)test\//.test(i))).toEqual([]);
  });
});

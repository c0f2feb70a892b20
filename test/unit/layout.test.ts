import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The house's doors (docs/layout.md), checked on every import of the source, type imports
// included: no import cycle anywhere, and each folder imports only the folders below it.
// Biome's restricted imports (biome.json) say the same per file while one types; this
// test also sees relative imports and cycles, which a per-file lint cannot.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = ['platform', 'contexts', 'local', 'cdk', 'scripts'];

/** What each top folder may import, besides itself and packages. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  platform: [],
  contexts: ['platform'],
  local: ['platform', 'contexts'],
  cdk: ['platform', 'contexts'],
  scripts: ['platform', 'contexts', 'local'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((entry) => {
    const path = `${dir}/${entry}`;
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry) && !/\.(test|d)\.ts$/.test(entry) ? [path] : [];
  });
}

const aliases = Object.entries(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports: Record<string, string> })
    .imports,
).map(([alias, target]) => [alias.replace('*', ''), target.replace('*', '').replace(/^\.\//, '')] as const);

/** Every module specifier of a source: import and export ... from, bare and dynamic imports. */
function specifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"\n]+)['"]/gm);
  return [...found].map((m) => m[1]!);
}

function resolveSpecifier(from: string, spec: string): string | undefined {
  let target: string | undefined;
  if (spec.startsWith('.')) target = relative(root, resolve(root, dirname(from), spec));
  else
    for (const [alias, dir] of aliases) if (spec.startsWith(alias)) target = dir + spec.slice(alias.length);
  return target?.split('\\').join('/');
}

/** The strongly connected components of more than one file (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = SOURCE.flatMap(sourceFiles);
const graph = new Map(
  files.map((file) => [
    file,
    specifiers(readFileSync(join(root, file), 'utf8')).flatMap((spec) => {
      const target = resolveSpecifier(file, spec);
      return target ? [target] : [];
    }),
  ]),
);

describe('the layout', () => {
  it('finds a cycle where there is one (type imports count as imports)', () => {
    const source =
      "import type { B } from './b.ts';\nexport { c } from '#contexts/c.ts';\nawait import('./d.ts');";
    expect(specifiers(source)).toEqual(['./b.ts', '#contexts/c.ts', './d.ts']);
    const loop = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(loop)).toEqual([['a', 'b', 'c']]);
  });

  it('has no import cycle', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(cycles(graph)).toEqual([]);
  });

  it('imports only through the doors: platform <- contexts <- local, cdk, scripts; never tests', () => {
    const wrong = [...graph].flatMap(([file, targets]) => {
      const from = file.split('/')[0]!;
      return targets
        .filter((target) => {
          const to = target.split('/')[0]!;
          return to !== from && !MAY_IMPORT[from]!.includes(to);
        })
        .map((target) => `${file} -> ${target}`);
    });
    expect(wrong).toEqual([]);
  });

  it('gives each context its own rooms, and the rules stay pure (no store, no HTTP)', () => {
    const rules = files.filter((f) => /^contexts\/[^/]+\/rules\//.test(f));
    expect(rules.length).toBeGreaterThan(10);
    const impure = rules.flatMap((file) =>
      graph
        .get(file)!
        .filter((t) => /\/(store|handlers)\/|^platform\/(http|store)\//.test(t))
        .map((t) => `${file} -> ${t}`),
    );
    expect(impure).toEqual([]);
  });
});

describe('handler modules', () => {
  it('live in their context folder, which names their stack', async () => {
    const { contracts, routes } = await import('#contexts/routes.ts');
    const local = await import('#local/routes.ts');
    const { contextOf, handlerFile } = await import('#platform/handlers.ts');
    for (const route of routes) {
      expect(statSync(join(root, handlerFile(route.handler))).isFile()).toBe(true);
      expect(handlerFile(route.handler).startsWith(`contexts/${contextOf(route.handler)}/handlers/`)).toBe(
        true,
      );
    }
    for (const route of contracts(local)) expect(handlerFile(route.handler)).toMatch(/^local\/handlers\//);
  });
});

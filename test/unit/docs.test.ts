import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#contexts/routes.ts';
import { PROBLEM_TYPES } from '#platform/http/problem.ts';

// The integrators' pages: the contract (docs/api.md) names every problem slug under its
// status and every route; docs/walkthrough.md shows the script the integration test runs.
const doc = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
const api = doc('docs/api.md');
const guide = doc('docs/walkthrough.md');
const walkthrough = doc('scripts/walkthrough.sh');

describe('docs/api.md and docs/walkthrough.md', () => {
  it.each(Object.entries(PROBLEM_TYPES))(
    'documents the problem slug %s under its status',
    (slug, { status }) => {
      const row = api.split('\n').find((line) => line.startsWith(`| ${status} |`));
      expect(row).toContain(`\`${slug}\``);
    },
  );

  it.each(routes.filter((r) => !r.localOnly).map((r) => `${r.method} ${r.path}`))(
    'names the route %s',
    (route) => {
      expect(api).toContain(route.split(' ')[1]);
    },
  );

  it('leaves what the walk-through writes (draw.json, under $STACK_DIR) to git and out of the linter', () => {
    const files = [...guide.matchAll(/--save (\S+)/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    const ignored = readFileSync(new URL('../../.gitignore', import.meta.url), 'utf8').split('\n');
    const biome = JSON.parse(readFileSync(new URL('../../biome.json', import.meta.url), 'utf8'));
    expect(biome.vcs).toMatchObject({ enabled: true, useIgnoreFile: true });
    // scripts/walkthrough.sh saves under $STACK_DIR, which is .local unless set otherwise.
    expect(walkthrough).toMatch(/^STACK_DIR=\$\{STACK_DIR:-\.local\}$/m);
    expect(ignored).toContain('.local/');
    for (const file of files) if (!/^"\$STACK_DIR\/[^"/]+"$/.test(file)) expect(ignored).toContain(file);
  });

  it('shows scripts/walkthrough.sh as it is (the file the integration test runs)', () => {
    const section = guide.slice(guide.indexOf('# Calling the API (a walk-through with curl)'));
    const block = /```bash\n([\s\S]*?)```\n/.exec(section)?.[1];
    expect(block).toBe(walkthrough);
  });
});

describe('README.md', () => {
  const readme = doc('README.md');

  it('is a five-minute page: at most 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('gives the two commands of a fresh machine, and CI runs its test command', () => {
    const block = /## On a fresh machine\n+```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').map((line) => line.replace(/#.*/, '').trim());
    expect(commands.filter(Boolean)).toEqual(['npm install && npm start', 'npm test']);
    const ci = doc('.ci/run').split('\n');
    expect(ci).toContain('npm test');
    expect(ci.some((line) => /^npm install\b/.test(line))).toBe(true);
  });

  it('keeps the layout section for the drawing', () => {
    const layout = readme.slice(readme.indexOf('## Layout'));
    expect(layout.split('\n')[2]).toBe('<!-- layout: drawn by the layout change -->');
  });
});

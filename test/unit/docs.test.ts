import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/contracts/routes.ts';
import { PROBLEM_TYPES } from '#shared/http/problem.ts';

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

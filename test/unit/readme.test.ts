import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#contexts/routes.ts';
import { PROBLEM_TYPES } from '#platform/http/problem.ts';

// The README is the integrators' first page: it must name every problem slug and route.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const walkthrough = readFileSync(new URL('../../scripts/walkthrough.sh', import.meta.url), 'utf8');

describe('README', () => {
  it.each(Object.entries(PROBLEM_TYPES))(
    'documents the problem slug %s under its status',
    (slug, { status }) => {
      const row = readme.split('\n').find((line) => line.startsWith(`| ${status} |`));
      expect(row).toContain(`\`${slug}\``);
    },
  );

  it.each(routes.filter((r) => !r.localOnly).map((r) => `${r.method} ${r.path}`))(
    'names the route %s',
    (route) => {
      expect(readme).toContain(route.split(' ')[1]);
    },
  );

  it('leaves what the walk-through writes (draw.json, under $STACK_DIR) to git and out of the linter', () => {
    const files = [...readme.matchAll(/--save (\S+)/g)].map((m) => m[1]!);
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
    const section = readme.slice(readme.indexOf('## Calling the API (a walk-through with curl)'));
    const block = /```bash\n([\s\S]*?)```\n/.exec(section)?.[1];
    expect(block).toBe(walkthrough);
  });
});

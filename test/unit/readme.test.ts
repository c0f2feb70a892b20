import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/contracts/routes.ts';
import { PROBLEM_TYPES } from '#shared/http/problem.ts';

// The README is the integrators' first page: it must name every problem slug and route.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

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
});

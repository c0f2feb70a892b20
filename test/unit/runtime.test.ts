import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Lambda runs nodejs24.x; the tests must run the same major, whatever Node the machine has
// (npm scripts run the `node` package pinned in devDependencies).
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

describe('runtime', () => {
  it('runs the tests on Node 24 or newer', () => {
    expect(major(process.versions.node)).toBeGreaterThanOrEqual(24);
  });

  it('pins a Node 24 binary that satisfies the engines field', () => {
    expect(major(pkg.devDependencies.node ?? '')).toBe(24);
    expect(pkg.engines.node).toBe('>=24');
  });
});

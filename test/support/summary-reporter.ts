import type { Reporter, TestModule } from 'vitest/node';
import { serverFaults } from '#local/spawn-stack.ts';

// Prints each project's time, then the whole run's count as one plain line,
// `N passed, N failed[, N skipped]`, which CI tools read (it stays the last line). A file
// that failed to load or whose hooks failed counts as a failure.
export default class SummaryReporter implements Reporter {
  private runStart = performance.now();
  /** Per project: when its first file started, when its last ended, the files' own time. */
  private projects = new Map<string, { first: number; last: number; files: number; busy: number }>();

  onTestRunStart(): void {
    this.runStart = performance.now();
    this.projects.clear();
  }

  onTestModuleStart(module: TestModule): void {
    const name = module.project.name;
    const now = performance.now();
    const seen = this.projects.get(name);
    if (seen) seen.first = Math.min(seen.first, now);
    else this.projects.set(name, { first: now, last: now, files: 0, busy: 0 });
  }

  onTestModuleEnd(module: TestModule): void {
    const seen = this.projects.get(module.project.name);
    if (!seen) return;
    const d = module.diagnostic();
    seen.last = Math.max(seen.last, performance.now());
    seen.files += 1;
    seen.busy += d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of modules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedHere += 1;
        else skipped += 1;
      }
      // A file that failed to load, or whose hook failed, fails even with no failed test.
      failed += module.state() === 'failed' ? Math.max(failedHere, 1) : failedHere;
    }
    process.stdout.write(
      `\n${this.serverFaults(modules)}${this.projectTimes()}${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }

  /** What each project's stack answered 500, read before the stacks stop and take their
   *  logs with them: a test that saw a 500 says only that. */
  private serverFaults(modules: ReadonlyArray<TestModule>): string {
    const projects = new Map(modules.map((m) => [m.project.name, m.project]));
    return [...projects]
      .flatMap(([name, project]) => {
        const { stackLogFile, stackTerminalFile } = project.getProvidedContext();
        const report = stackLogFile && stackTerminalFile && serverFaults(stackLogFile, stackTerminalFile);
        return report ? [`stack of ${name}: ${report}\n`] : [];
      })
      .join('');
  }

  /** One line per project: its files' span in the run (wall clock) and their summed time. */
  private projectTimes(): string {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [...this.projects]
      .sort(([, a], [, b]) => a.last - b.last)
      .map(
        ([name, p]) =>
          `${name}: ${s(p.last - this.runStart)} into the run (files from ${s(p.first - this.runStart)}), ` +
          `${p.files} file${p.files === 1 ? '' : 's'} taking ${s(p.busy)}\n`,
      )
      .join('');
  }
}

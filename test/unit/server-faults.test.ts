import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverFaults } from '#local/spawn-stack.ts';
import { tempDir } from '#test/support/temp.ts';

describe("a stack's 500s, as the summary reports them", () => {
  it('counts unhandled errors and handlers ended at their timeout, not the faults a test injected', () => {
    const dir = tempDir('server-faults-');
    const log = join(dir, 'stack.log');
    const terminal = join(dir, 'terminal.log');
    const line = (name: string) =>
      JSON.stringify({ level: 'ERROR', message: 'unhandled error', error: { name, message: 'x' } });
    writeFileSync(
      log,
      [line('TransactionCanceledException'), line('InjectedFault'), '{"level":"INFO"}'].join('\n'),
    );
    writeFileSync(terminal, 'adapter error Error [TimeoutError]: [AbortError]: The operation was aborted.\n');
    const report = serverFaults(log, terminal)!;
    expect(report).toMatch(/^2 request\(s\) answered 500; the first:\n/);
    expect(report).toContain('TransactionCanceledException');
    expect(report).toContain('TimeoutError');
    expect(report).not.toContain('InjectedFault');
    writeFileSync(log, line('InjectedFault'));
    writeFileSync(terminal, '');
    expect(serverFaults(log, terminal)).toBeUndefined();
  });
});

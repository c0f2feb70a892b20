import { describe, expect, it } from 'vitest';
import { terminalLine } from '#local/terminal.ts';

// What `npm start` shows on the terminal for each line the stack writes (local/terminal.ts);
// every line goes whole to .local/stack.log.
const at = new Date(2026, 11, 6, 19, 5, 7);

describe('terminalLine', () => {
  it('shows text as it is (the banner, an error and its stack)', () => {
    expect(terminalLine('Prakerja backend ready in 5.0 s', at)).toBe('Prakerja backend ready in 5.0 s');
    expect(terminalLine('    at handler (functions/x.ts:1:1)', at)).toBe(
      '    at handler (functions/x.ts:1:1)',
    );
    expect(terminalLine('{ not json', at)).toBe('{ not json');
    // Cut short: whatever its first keys, what does not parse is shown as it is.
    expect(terminalLine('{"level":"INFO","message":"x"', at)).toBe('{"level":"INFO","message":"x"');
    expect(terminalLine('{"_aws":{', at)).toBe('{"_aws":{');
  });

  it('shortens a request line to status, operation and time', () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: 'request',
      timestamp: '2026-12-06T19:05:07.000Z',
      service: 'prakerja',
      operation: 'createAccount',
      status: 201,
      latencyMs: 45,
    });
    expect(terminalLine(line, at)).toBe('19:05:07 201 createAccount 45 ms');
  });

  it('shows warnings and errors in one line, with the error', () => {
    const line = JSON.stringify({
      level: 'ERROR',
      message: 'payout batch failed',
      function_name: 'payouts-dispatch',
      error: { name: 'TimeoutError', message: 'no answer in 500 ms', stack: 'TimeoutError: ...\n at x' },
    });
    expect(terminalLine(line, at)).toBe(
      '19:05:07 ERROR payout batch failed (payouts-dispatch TimeoutError: no answer in 500 ms)',
    );
    expect(terminalLine(JSON.stringify({ level: 'WARN', message: 'x'.repeat(400) }), at)?.length).toBe(300);
  });

  it('leaves other log lines and metrics to the file', () => {
    expect(
      terminalLine(JSON.stringify({ level: 'INFO', message: 'outbox sent', count: 3 }), at),
    ).toBeUndefined();
    expect(terminalLine(JSON.stringify({ level: 'DEBUG', message: 'x' }), at)).toBeUndefined();
    // A message that only starts like `request` is not a request line.
    expect(
      terminalLine(JSON.stringify({ level: 'INFO', message: 'requested', operation: 'x' }), at),
    ).toBeUndefined();
    expect(
      terminalLine(
        JSON.stringify({ _aws: { CloudWatchMetrics: [{ Namespace: 'Prakerja' }] }, Latency: 3 }),
        at,
      ),
    ).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import { readMetrics } from '#test/bench/metrics.ts';
import { call, uniqueEmail, uniquePhone } from '#test/support/api.ts';

// Every request publishes one embedded-metric-format line (CloudWatch metrics on AWS):
// what it consumed, how many DynamoDB calls it made, its latency and its business event.
describe('metrics', () => {
  it('publishes capacity, calls, latency and the business event of each request, once per piece of work', async () => {
    const key = randomUUID();
    const body = {
      fullName: 'Metrik Uji',
      email: uniqueEmail(),
      password: 'correct horse battery',
      phone: uniquePhone(),
    };
    const before = readMetrics(inject('stackLogFile'), (op) => op === 'createAccount').length;
    const created = await call('POST', '/v1/accounts', { body, headers: { 'idempotency-key': key } });
    expect(created.status).toBe(201);
    await call('POST', '/v1/accounts', { body, headers: { 'idempotency-key': key } });
    // The log is written by another process: wait until both lines reach the file.
    const lines = await vi.waitFor(
      () => {
        const read = readMetrics(inject('stackLogFile'), (op) => op === 'createAccount');
        if (read.length < before + 2) throw new Error(`${read.length - before} of 2 lines in the log`);
        return read;
      },
      { timeout: 10_000, interval: 50 },
    );
    const mine = lines.slice(-2);
    expect(mine).toHaveLength(2);
    const [first, replay] = mine as [(typeof mine)[0], (typeof mine)[0]];
    expect(first.values.ConsumedWriteCapacity).toBeGreaterThan(0);
    expect(first.values.DynamoDBCalls).toBeGreaterThanOrEqual(2);
    // The account is one transaction of several items: billed twice each, above what
    // DynamoDB Local reports for it (store/capacity.ts).
    expect(first.values.BilledWriteUnits).toBeGreaterThan(first.values.ConsumedWriteCapacity!);
    expect(first.values.Latency).toBeGreaterThanOrEqual(0);
    expect(first.values.AccountRegistered).toBe(1);
    expect(replay.values.AccountRegistered).toBeUndefined();
    expect(JSON.stringify(mine)).not.toContain(body.email);
    expect(JSON.stringify(mine)).not.toContain(body.phone);
  });
});

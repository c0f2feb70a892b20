import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { randomIdentity, validNik } from '#scripts/lib/nik.ts';
import { call, stack, uniqueEmail, uniquePhone } from '#test/support/api.ts';

// The README's curl walk-through is scripts/walkthrough.sh, run here as a reader runs it
// (bash, curl, node), against this run's stack: its stack.json is in the stack's directory.
// Only who Siti is changes (a unique email, phone and NIK on a shared stack).

afterAll(async () => {
  await call('DELETE', '/_local/clock');
});

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/walkthrough.sh'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('scripts/walkthrough.sh (the README walk-through)', () => {
  it('runs to the end and ends with a payout run that paid its instructions', async () => {
    const nik = validNik({
      birthDate: '1998-03-14',
      gender: 'F',
      provinceCode: '32',
      regency: 1,
      district: 1,
    });
    const { code, output } = await run({
      STACK_DIR: dirname(inject('stackLogFile')),
      EMAIL: uniqueEmail(),
      PHONE: uniquePhone(),
      NIK: nik,
      KK: randomIdentity({ provinceCode: '32' }).kk,
    });
    expect(code, output).toBe(0);
    const runId = /Done: payout run (\S+) paid its instructions/.exec(output)?.[1];
    expect(runId, output).toBeTruthy();
    const admin = stack().admins.find((a) => a.role === 'admin')!;
    const session = await call('POST', '/v1/sessions', {
      body: { email: admin.email, password: admin.password },
    });
    const payoutRun = await call('GET', `/v1/admin/payout-runs/${runId}`, {
      token: session.body.accessToken,
    });
    expect(payoutRun.body.status).toBe('COMPLETED');
    expect(payoutRun.body.totals.instructions).toBeGreaterThan(0);
    expect(payoutRun.body.totals.byStatus.PAID).toBe(payoutRun.body.totals.instructions);
    // The clock is real again.
    const clock = await call('DELETE', '/_local/clock');
    expect(Math.abs(Date.parse(clock.body.now) - Date.now())).toBeLessThan(5000);
  }, 240_000);
});

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ApiResponse } from '#scripts/lib/http.ts';
import { call, signIn, stack } from '#test/support/api.ts';

// `npm run seed:demo` run as a person runs it (the CLI, the stack's stack.json), against the
// integration stack: a closed and drawn wave with purchases, completions and incentives due,
// and an open wave. Nothing is paid; the clock is real again at the end.

afterAll(async () => {
  await call('DELETE', '/_local/clock');
});

function seed(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts', ...args], {
      env: { ...process.env, STACK_DIR: dirname(inject('stackLogFile')), NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function wave(waveId: string): Promise<{ status: string } | undefined> {
  let cursor: string | null = null;
  do {
    const r: ApiResponse = await call(
      'GET',
      `/v1/waves?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(r.status).toBe(200);
    const found = r.body.items.find((w: { waveId: string }) => w.waveId === waveId);
    if (found) return found;
    cursor = r.body.nextCursor;
  } while (cursor);
  return undefined;
}

describe('npm run seed:demo', () => {
  it('leaves a drawn wave with purchases, completions and incentives due, and an open wave', async () => {
    const { code, output } = await seed(['--n=40', `--seed=integration-${randomBytes(4).toString('hex')}`]);
    expect(code, output).toBe(0);
    const drawnId = /Drawn wave (\S+):/.exec(output)?.[1];
    const openId = /Open wave (\S+) until/.exec(output)?.[1];
    const [, email, password] = /A participant to sign in as: (\S+) \/ (\S+)/.exec(output) ?? [];
    expect(drawnId && openId && email && password, output).toBeTruthy();
    expect(output).toContain(`${stack().consoleUrl}/#/waves/${drawnId}`);

    expect((await wave(drawnId!))?.status).toBe('ANNOUNCED');
    expect((await wave(openId!))?.status).toBe('OPEN');
    const admin = stack().admins.find((a) => a.role === 'admin')!;
    const adminToken = await signIn(admin.email, admin.password);
    const selection = await call('GET', `/v1/admin/waves/${drawnId}/selection`, { token: adminToken });
    expect(selection.body.status).toBe('SUCCEEDED');
    expect(selection.body.selected).toBeGreaterThan(0);

    // The participant it names bought, completed and reviewed a course; the incentive is due.
    const token = await signIn(email!, password!);
    const purchases = await call('GET', '/v1/me/purchases', { token });
    expect(purchases.body.items.map((p: { status: string }) => p.status)).toContain('COMPLETED');
    const incentives = await call('GET', '/v1/me/incentives', { token });
    expect(incentives.body.items.length).toBeGreaterThan(0);
    expect(incentives.body.items.every((i: { status: string }) => i.status === 'SCHEDULED')).toBe(true);

    const clock = await call('DELETE', '/_local/clock');
    expect(Math.abs(Date.parse(clock.body.now) - Date.now())).toBeLessThan(5000);
  }, 180_000);
});

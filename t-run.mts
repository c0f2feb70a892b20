import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from '#test/support/http.ts';
import { seedPayablesInto } from '#test/support/payouts.ts';
import { spawnStack } from '#test/support/spawn-stack.ts';

const stack = await spawnStack({ PAYMENT_TIMEOUT_MS: '300', PAYOUT_VISIBILITY_TIMEOUT_S: '5' });
const api = (m: string, p: string, o = {}) => request(stack.info.apiUrl, m, p, o);
try {
  await seedPayablesInto(stack, 30, '2021-01-15');
  const tok = async (role: string) => {
    const a = stack.info.admins.find((x) => x.role === role)!;
    return (await api('POST', '/v1/sessions', { body: { email: a.email, password: a.password } })).body
      .accessToken;
  };
  const admin = await tok('admin');
  const approver = await tok('approver');
  const c = await api('POST', '/v1/admin/payout-runs', {
    token: admin,
    body: { period: '2021-01', budgetIdr: 10 ** 12 },
    headers: { 'idempotency-key': randomUUID() },
  });
  console.log('create', c.status, JSON.stringify(c.body).slice(0, 200));
  const runId = c.body.runId;
  for (let i = 0; i < 50; i++) {
    const r = await api('GET', `/v1/admin/payout-runs/${runId}`, { token: admin });
    if (r.body.status !== 'STAGING') {
      console.log('staged', r.body.status, r.body.totals.instructions);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const a = await api('POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: { 'idempotency-key': randomUUID() },
  });
  console.log('approve', a.status, JSON.stringify(a.body).slice(0, 200));
  const t0 = Date.now();
  for (let i = 0; i < 150; i++) {
    const r = await api('GET', `/v1/admin/payout-runs/${runId}`, { token: admin });
    if (r.body.status !== 'DISBURSING') {
      console.log(
        'done',
        r.body.status,
        JSON.stringify(r.body.totals.byStatus),
        (Date.now() - t0) / 1000,
        's',
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
} finally {
  const log = readFileSync(stack.logFile, 'utf8')
    .split('\n')
    .filter((l) => /ERROR|WARN|failed/.test(l) && !l.startsWith('{"_aws"'));
  console.log(
    log
      .slice(0, 8)
      .map((l) => l.slice(0, 200) + ' ... ' + l.slice(-400))
      .join('\n'),
  );
  await stack.stop();
}

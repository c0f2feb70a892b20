// npm run bench:payouts [-- --n=20000]
// Stages and disburses N instructions on a fresh local stack (the same workflow, queues
// and dispatchers the CDK app deploys), first with well-behaved partners, then with 30%
// of partner calls failing. Prints instructions per second per partner, end-to-end time,
// write units per paid instruction, DynamoDB calls and Step Functions state transitions
// per instruction (the cost driver on AWS). Baseline, in the same run: each instruction's
// partner call and settlement transaction straight to the engines (payouts-baseline.ts).
import { randomUUID } from 'node:crypto';
import { spawnStack } from '#local/spawn-stack.ts';
import { request } from '#scripts/lib/http.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { measureBaseline } from '#test/bench/payouts-baseline.ts';
import { argNumber, round } from '#test/bench/stats.ts';
import { LIVE_PAYMENT_PARTNERS, seedPayablesInto } from '#test/support/payouts.ts';

const n = argNumber('n', 4000);
// Two instructions for every other participant: n instructions need 2n/3 participants.
const participants = Math.ceil((n * 2) / 3);
const stack = await spawnStack({
  LOG_LEVEL: 'INFO',
  PAYOUT_VISIBILITY_TIMEOUT_S: '20',
  PAYMENT_TIMEOUT_MS: '1000',
  // The workflow looks at a disbursing run every 5 s (30 s on AWS): each look is 3 transitions.
  PAYOUT_POLL_SECONDS: '5',
});
const api = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(stack.info.apiUrl, method, path, options);
const signIn = async (role: string) => {
  const a = stack.info.admins.find((x) => x.role === role)!;
  return (await api('POST', '/v1/sessions', { body: { email: a.email, password: a.password } })).body
    .accessToken;
};

async function transitionsOf(executionName: string): Promise<number> {
  const r = await fetch(stack.info.workflowsEndpoint, {
    method: 'POST',
    headers: {
      'x-amz-target': 'AWSStepFunctions.DescribeExecution',
      'content-type': 'application/x-amz-json-1.0',
    },
    body: JSON.stringify({
      executionArn: `arn:aws:states:ap-southeast-3:000000000000:execution:payout:${executionName}`,
    }),
  });
  return ((await r.json()) as { stateTransitions?: number }).stateTransitions ?? 0;
}

async function waitFor(token: string, runId: string, statuses: string[]) {
  for (;;) {
    const r = await api('GET', `/v1/admin/payout-runs/${runId}`, { token });
    if (statuses.includes(r.body.status)) return r.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function scenario(label: string, period: string, failureRate: number) {
  await seedPayablesInto(stack, participants, `${period}-15`);
  for (const code of LIVE_PAYMENT_PARTNERS)
    await api('POST', `/_local/payment-partners/${code}/faults`, { body: { failureRate } });
  const [admin, approver] = [await signIn('admin'), await signIn('approver')];
  const started = performance.now();
  const created = await api('POST', '/v1/admin/payout-runs', {
    token: admin,
    body: { period, budgetIdr: 10 ** 13 },
    headers: { 'idempotency-key': randomUUID() },
  });
  if (created.status !== 202) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const runId = created.body.runId as string;
  const staged = await waitFor(admin, runId, ['AWAITING_APPROVAL']);
  const stagingSeconds = (performance.now() - started) / 1000;
  const approvedAt = performance.now();
  await api('POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: { 'idempotency-key': randomUUID() },
  });
  const done = await waitFor(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES']);
  const untilFinishedSeconds = (performance.now() - approvedAt) / 1000;
  // The dispatchers' own time: from the approval to the last instruction settled (the
  // workflow notices the end at its next look, up to PAYOUT_POLL_SECONDS later).
  let lastSettled = 0;
  let cursor: string | null = null;
  do {
    const page = await api(
      'GET',
      `/v1/admin/payout-runs/${runId}/instructions?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      { token: admin },
    );
    for (const i of page.body.items as { settledAt?: string }[])
      lastSettled = Math.max(lastSettled, Date.parse(i.settledAt ?? '0'));
    cursor = page.body.nextCursor;
  } while (cursor);
  const disburseSeconds = (lastSettled - Date.parse(done.approvedAt)) / 1000;
  const e2eSeconds = (performance.now() - started) / 1000;
  const instructions = staged.totals.instructions as number;
  const transitions = (await transitionsOf(`stage-${runId}`)) + (await transitionsOf(`disburse-${runId}`));
  const perPartner = Object.fromEntries(
    Object.entries(done.totals.byPartner as Record<string, { instructions: number }>).map(([code, t]) => [
      code,
      round(t.instructions / disburseSeconds),
    ]),
  );
  console.log(
    `${label}: ${instructions} instructions staged in ${round(stagingSeconds)} s, disbursed in ${round(disburseSeconds)} s ` +
      `(the run finished ${round(untilFinishedSeconds)} s after the approval) ` +
      `(${done.status}: ${done.totals.byStatus.PAID} paid, ${done.totals.byStatus.FAILED} failed); ` +
      `${transitions} state transitions`,
  );
  console.log(
    `  instructions/s per partner (each drains at its own concurrency): ${JSON.stringify(perPartner)}`,
  );
  return {
    runId,
    instructions,
    paid: done.totals.byStatus.PAID as number,
    e2eSeconds,
    disburseSeconds,
    transitions,
    perPartner,
  };
}

try {
  const clean = await scenario('no faults', '2021-01', 0);
  const faulty = await scenario('30% failures', '2021-02', 0.3);
  for (const code of LIVE_PAYMENT_PARTNERS)
    await api('POST', `/_local/payment-partners/${code}/faults`, { body: {} });

  const lines = readMetrics(stack.logFile, (op) => op.startsWith('payouts.'));
  const used = totals(lines);
  const paid = clean.paid + faulty.paid;
  const instructions = clean.instructions + faulty.instructions;
  const wcuPerPaid = (used.ConsumedWriteCapacity ?? 0) / paid;
  const callsPerOp = (used.DynamoDBCalls ?? 0) / instructions;
  const transitionsPerInstruction = (clean.transitions + faulty.transitions) / instructions;

  const billedPerPaid = (used.BilledWriteUnits ?? 0) / paid;
  const baseline = await measureBaseline(stack, clean.instructions);
  const { perSecond: baselinePerSecond, rawPerSecond, concurrency } = baseline;
  const cleanPerSecond = clean.instructions / clean.disburseSeconds;

  console.log(
    `\ndisbursement without faults: ${round(cleanPerSecond)} instructions/s; with 30% failures: ${round(faulty.instructions / faulty.disburseSeconds)}/s`,
  );
  console.log(
    `baseline: each instruction's partner call and settlement transaction straight to the engines, each partner at its dispatch concurrency (${concurrency} in all): ${round(baselinePerSecond)}/s`,
  );
  console.log(`raw engine: single-item puts at the same concurrency: ${round(rawPerSecond)}/s`);
  console.log(
    `capacity: ${round(billedPerPaid, 2)} WRU per paid instruction as DynamoDB bills it (baseline ${baseline.billedWritePerPaid}; ${round(wcuPerPaid, 2)} as DynamoDB Local reports), ` +
      `${round(callsPerOp, 2)} DynamoDB calls per instruction (baseline ${baseline.callsPerPaid})`,
  );
  console.log(`Step Functions: ${round(transitionsPerInstruction, 4)} state transitions per instruction`);
  console.log(
    JSON.stringify({
      bench: 'payouts',
      instructions,
      cleanInstructionsPerSecond: round(cleanPerSecond),
      faultyInstructionsPerSecond: round(faulty.instructions / faulty.disburseSeconds),
      perPartner: clean.perPartner,
      e2eSeconds: round(clean.e2eSeconds),
      faultyE2eSeconds: round(faulty.e2eSeconds),
      wcuPerPaidInstruction: round(wcuPerPaid, 2),
      billedWruPerPaidInstruction: round(billedPerPaid, 2),
      baselineBilledWruPerPaid: baseline.billedWritePerPaid,
      transitionsPerInstruction: round(transitionsPerInstruction, 4),
      baselinePerSecond: round(baselinePerSecond),
      rawPerSecond: round(rawPerSecond),
      ratio: round(cleanPerSecond / baselinePerSecond, 3),
      rawRatio: round(cleanPerSecond / rawPerSecond, 3),
      callsPerOp: round(callsPerOp, 2),
    }),
  );
} finally {
  await stack.stop();
}

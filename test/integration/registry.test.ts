import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RegistryCheck, registryCheck } from '#contexts/registry/items.ts';
import { REGISTRY_QUEUE } from '#contexts/registry/queues.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, type Citizen, call, registerCitizen, signIn, stack } from '#test/support/api.ts';
import { documentClient, registryCheckOf } from '#test/support/applicants.ts';
import { runSelection, waitForSelection } from '#test/support/selection.ts';

// The civil-registry check through its queue (contexts/registry), against the stack's
// registry simulator (local/registry.ts). Serial: the simulator's outage and latency are
// the whole stack's, so no other file may register while they are set.

const scheme = {
  trainingBalanceIdr: 1_000_000,
  incentiveIdr: 600_000,
  incentiveMonths: 4,
  surveyIncentiveIdr: 50_000,
  surveyCount: 3,
};
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** A wave open for an hour more, quota 10: its id. */
async function openWave(token: string, name: string): Promise<string> {
  const created = await call('POST', '/v1/admin/waves', {
    token,
    body: {
      name,
      opensAt: hoursFromNow(-1),
      closesAt: hoursFromNow(1),
      quota: 10,
      purchaseDeadlineDays: 30,
      scheme,
    },
  });
  expect(created.status).toBe(201);
  return created.body.waveId;
}

type Stats = { calls: number; match: number; mismatch: number; unavailable: number };
const faults = (body: Record<string, unknown>) => call('POST', '/_local/registry/faults', { body });
const stats = async () => (await call<Stats>('GET', '/_local/registry/stats')).body;

afterEach(async () => {
  await faults({});
});

interface Applicant extends Citizen {
  nik: string;
}

/** A citizen with a saved profile (the check then starts). */
async function applicant(setup?: (nik: string) => Promise<unknown>): Promise<Applicant> {
  const citizen = await registerCitizen({ verifyPhone: false });
  const body = profileBody(randomIdentity());
  await setup?.(body.nik);
  const saved = await call('PUT', '/v1/me/profile', { token: citizen.token, body });
  expect(saved.status).toBe(200);
  return { ...citizen, nik: body.nik };
}

const stateOf = async (p: Citizen) => (await call('GET', '/v1/me', { token: p.token })).body.registryCheck;

const checkOf = (accountId: string) => registryCheckOf(stack(), accountId);

async function queueDepth(url: string): Promise<number> {
  const sqs = new SQSClient({
    endpoint: stack().sqsEndpoint,
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  sqs.destroy();
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Runs `work` over `items`, `width` at a time. */
async function limited<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

describe('the civil-registry check', () => {
  it('is PENDING while the registry answers, then VERIFIED; /v1/me shows no check before a profile', async () => {
    const citizen = await registerCitizen({ verifyPhone: false });
    expect(await stateOf(citizen)).toBeNull();
    await faults({ latencyMs: 1500 });
    const body = profileBody(randomIdentity());
    const saved = await call('PUT', '/v1/me/profile', { token: citizen.token, body });
    expect(saved.status).toBe(200);
    expect(await stateOf(citizen)).toBe('PENDING');
    await vi.waitFor(async () => expect(await stateOf(citizen)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
    const check = await checkOf(citizen.accountId);
    expect(check).toMatchObject({ status: 'VERIFIED', result: 'match', attempts: 1 });
    // Answered: off the pending index, and nothing of the NIK in clear.
    expect(check!.sweepAt).toBeUndefined();
    expect(JSON.stringify(check)).not.toContain(body.nik);
  });

  it('a mismatch is FAILED; FAILED and not-yet-checked applicants are never drawn', async () => {
    const verified = await applicant();
    const mismatched = await applicant((nik) =>
      call('POST', '/_local/registry/people', { body: { nik, name: 'Nama Lain Sekali' } }),
    );
    const absent = await applicant((nik) =>
      call('POST', '/_local/registry/people', { body: { nik, absent: true } }),
    );
    for (const [p, state] of [
      [verified, 'VERIFIED'],
      [mismatched, 'FAILED'],
      [absent, 'FAILED'],
    ] as const)
      await vi.waitFor(async () => expect(await stateOf(p)).toBe(state), { timeout: 20_000, interval: 200 });
    expect((await checkOf(mismatched.accountId))?.result).toBe('mismatch');
    expect((await checkOf(absent.accountId))?.result).toBe('not-found');
    // The registry is down: this one's check waits.
    await faults({ outage: true });
    const unchecked = await applicant();
    const people = [verified, mismatched, absent, unchecked];
    const token = await adminToken();
    const waveId = await openWave(token, 'Gelombang Dukcapil');
    // Joining does not wait for the check: the draw's screening decides.
    for (const p of people)
      expect((await call('POST', `/v1/me/waves/${waveId}/join`, { token: p.token })).status).toBe(201);
    expect(await stateOf(unchecked)).toBe('PENDING');
    try {
      await call('POST', '/_local/clock', { body: { now: hoursFromNow(2) } });
      const admin = await adminToken();
      // One applicant still waits for the registry: the draw is refused, with the count...
      const refused = await call('POST', `/v1/admin/waves/${waveId}/selection`, {
        token: admin,
        body: { seed: 'registry-screening' },
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ pending: 1 });
      expect(refused.body.type).toMatch(/\/registry-checks-pending$/);
      expect(refused.body.detail).toContain('1 applicants');
      const funnel = await call('GET', `/v1/admin/waves/${waveId}/funnel`, { token: admin });
      expect(funnel.body.pendingRegistryChecks).toBe(1);
      // ...unless the administrator accepts it, on the record.
      const result = await runSelection(stack(), admin, waveId, {
        seed: 'registry-screening',
        acceptPending: true,
      });
      const audited = await call('GET', '/v1/admin/audit?kind=selection.started&limit=500', { token: admin });
      expect(audited.status).toBe(200);
      expect(audited.body.items.find((i: { subject: string }) => i.subject === waveId)?.detail).toMatchObject(
        { pendingRegistryChecks: 1, acceptPending: true, seed: 'registry-screening' },
      );
      expect(result).toMatchObject({
        applicants: 4,
        selected: 1,
        excludedByReason: { 'registry-unverified': 3 },
      });
      // Tokens expire on the backend's clock: sign in again.
      const outcome = async (p: Citizen) =>
        (await call('GET', '/v1/me', { token: await signIn(p.email, p.password) })).body.waves.find(
          (w: { waveId: string }) => w.waveId === waveId,
        )?.outcome;
      expect(await outcome(verified)).toBe('SELECTED');
      for (const p of [mismatched, absent, unchecked]) expect(await outcome(p)).toBe('NOT_SELECTED');
    } finally {
      await call('DELETE', '/_local/clock');
    }
    // The outage ends: the waiting check is answered, not lost.
    await faults({});
    await vi.waitFor(async () => expect(await stateOf(unchecked)).toBe('VERIFIED'), {
      timeout: 30_000,
      interval: 250,
    });
    expect((await checkOf(unchecked.accountId))!.attempts).toBeGreaterThan(1);
    // Its answer took the wave's marker with it.
    const after = await call('GET', `/v1/admin/waves/${waveId}/funnel`, { token: await adminToken() });
    expect(after.body.pendingRegistryChecks).toBe(0);
  });

  it('a draw waits for the checks: 409 with their count during an outage, 202 once they are in', async () => {
    const before = await applicant();
    await vi.waitFor(async () => expect(await stateOf(before)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
    await faults({ outage: true });
    const waiting = await limited(Array.from({ length: 6 }), 3, () => applicant());
    // And a profile saved before checks existed: its join starts the check, pending.
    const legacy = waiting.pop()!;
    await documentClient(stack()).send(
      new DeleteCommand({
        TableName: stack().tableName,
        Key: registryCheck.key({ accountId: legacy.accountId }),
      }),
    );
    const token = await adminToken();
    const waveId = await openWave(token, 'Gelombang menunggu Dukcapil');
    const people = [before, ...waiting, legacy];
    // Joined side by side: each pending one counted once.
    const joins = await Promise.all(
      people.map((p) => call('POST', `/v1/me/waves/${waveId}/join`, { token: p.token })),
    );
    expect(joins.map((j) => j.status)).toEqual(people.map(() => 201));
    const funnel = async () =>
      (await call('GET', `/v1/admin/waves/${waveId}/funnel`, { token: await adminToken() })).body;
    expect((await funnel()).pendingRegistryChecks).toBe(6);
    try {
      await call('POST', '/_local/clock', { body: { now: hoursFromNow(2) } });
      const admin = await adminToken();
      const start = () =>
        call('POST', `/v1/admin/waves/${waveId}/selection`, {
          token: admin,
          body: { seed: 'waits-for-checks' },
        });
      const refused = await start();
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ pending: 6 });
      // The registry is back: the checks come in, the markers go, the draw starts.
      await faults({});
      await vi.waitFor(async () => expect((await funnel()).pendingRegistryChecks).toBe(0), {
        timeout: 60_000,
        interval: 500,
      });
      // (Read on the table: the citizens' tokens expired on the moved clock.)
      for (const p of people) expect((await checkOf(p.accountId))?.status).toBe('VERIFIED');
      const started = await start();
      expect(started.status).toBe(202);
      const result = await waitForSelection(stack(), admin, waveId);
      expect(result).toMatchObject({ status: 'SUCCEEDED', applicants: 7, selected: 7, excludedByReason: {} });
    } finally {
      await call('DELETE', '/_local/clock');
    }
  }, 180_000);

  it('an outage during a rush of 200 registrations delays checks, loses none, and retries back off', async () => {
    const before = await stats();
    await faults({ outage: true });
    const outageStarted = Date.now();
    const people = await limited(Array.from({ length: 200 }), 12, () => applicant());
    // Every check tried and refused at least once while the registry is down.
    await vi.waitFor(
      async () => {
        const checks = await limited(people, 16, (p) => checkOf(p.accountId));
        expect(checks.every((c) => c?.status === 'PENDING' && c.attempts >= 2)).toBe(true);
      },
      { timeout: 60_000, interval: 1000 },
    );
    const outageMs = Date.now() - outageStarted;
    const during = await stats();
    expect(during.match).toBe(before.match);
    expect(during.unavailable - before.unavailable).toBeGreaterThanOrEqual(400);
    await faults({});
    const ended = Date.now();
    await vi.waitFor(
      async () => {
        const states = await limited(people, 16, (p) => stateOf(p));
        expect(states.filter((s) => s !== 'VERIFIED')).toEqual([]);
      },
      { timeout: 90_000, interval: 1000 },
    );
    const after = await stats();
    const checks = (await limited(people, 16, (p) => checkOf(p.accountId))) as RegistryCheck[];
    // Each check answered once, recorded once: VERIFIED with one answer's time.
    for (const c of checks) expect(c).toMatchObject({ status: 'VERIFIED', result: 'match' });
    expect(after.match - before.match).toBeGreaterThanOrEqual(200);
    // Backed off: locally 1 s, 2 s, then every 4 s, so nobody was tried once a second for
    // the whole outage (a retry without backoff would be).
    const outageS = (ended - outageStarted) / 1000;
    const most = Math.max(...checks.map((c) => c.attempts));
    expect(most).toBeLessThanOrEqual(Math.ceil(outageS / 4) + 4);
    expect(outageMs).toBeGreaterThan(0);
    // Nothing left on the queue, nothing dead-lettered.
    const queue = stack().queues[REGISTRY_QUEUE]!;
    await vi.waitFor(async () => expect(await queueDepth(queue.url)).toBe(0), { timeout: 20_000 });
    expect(await queueDepth(queue.dlqUrl)).toBe(0);
    // 200 registrations take a minute or two on a loaded machine (two cores, load ~60).
  }, 360_000);
});

describe('checks never left behind', () => {
  it('joining starts the check of a profile saved before the check existed', async () => {
    const p = await applicant();
    await vi.waitFor(async () => expect(await stateOf(p)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
    // As a profile saved before this feature: no check item at all.
    await documentClient(stack()).send(
      new DeleteCommand({ TableName: stack().tableName, Key: registryCheck.key({ accountId: p.accountId }) }),
    );
    expect(await stateOf(p)).toBe('PENDING');
    const waveId = await openWave(await adminToken(), 'Gelombang profil lama');
    expect((await call('POST', `/v1/me/waves/${waveId}/join`, { token: p.token })).status).toBe(201);
    await vi.waitFor(async () => expect(await stateOf(p)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
  });

  it('sends again a PENDING check whose send was lost after the transaction', async () => {
    const p = await applicant();
    await vi.waitFor(async () => expect(await stateOf(p)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
    const answered = (await checkOf(p.accountId))!;
    // As the profile's transaction leaves a new check when the process dies before the send.
    const past = new Date(Date.now() - 60_000).toISOString();
    const lost: RegistryCheck = {
      accountId: p.accountId,
      checkId: `lost-${p.accountId}`,
      nikHash: answered.nikHash,
      birthDate: answered.birthDate,
      status: 'PENDING',
      attempts: 0,
      requestedAt: past,
      sweepAt: past,
    };
    await documentClient(stack()).send(
      new PutCommand({ TableName: stack().tableName, Item: registryCheck.item(lost) }),
    );
    expect(await stateOf(p)).toBe('PENDING');
    const run = await call('POST', '/_local/schedules/resend-registry-checks');
    expect(run.status).toBe(200);
    expect(run.body.resent).toBeGreaterThanOrEqual(1);
    await vi.waitFor(async () => expect(await stateOf(p)).toBe('VERIFIED'), {
      timeout: 20_000,
      interval: 200,
    });
    expect(await checkOf(p.accountId)).toMatchObject({
      checkId: lost.checkId,
      status: 'VERIFIED',
      attempts: 1,
    });
    // Answered: the next sweep has nothing of it to send.
    expect((await checkOf(p.accountId))!.sweepAt).toBeUndefined();
  });
});

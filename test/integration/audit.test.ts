import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_SHARDS, auditRecord } from '#platform/items.ts';
import { randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';
import { documentClient, loadApplicants, stackDirOf, syntheticApplicants } from '#test/support/applicants.ts';
import { runSelection } from '#test/support/selection.ts';

// The audit trail over HTTP: administrator actions recorded by the HTTP layer, ledger
// movements listed from their own items, newest first, filtered, paged across the hour
// partitions. The actions happen in 2033 on the backend clock, where no other test
// writes, so the trail of those hours is this file's alone.

interface AuditItem {
  at: string;
  actor: string;
  role: string;
  kind: string;
  subject: string;
  detail: Record<string, unknown>;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2033-05-10T10:20:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** The accountId a token was issued to (its `sub`). */
const subOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sub as string;

async function at(ms: number): Promise<string> {
  const moved = await call('POST', '/_local/clock', { body: { now: iso(ms) } });
  expect(moved.status).toBeLessThan(300);
  // Tokens are checked on the backend clock: sign in again under the moved one.
  return adminToken();
}

async function audit(token: string, query: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return call<{
    items: AuditItem[];
    nextCursor: string | null;
    errors?: { path: string; message: string }[];
  }>('GET', `/v1/admin/audit?${qs}`, { token });
}

/** Every item of a listing, page after page. */
async function all(token: string, query: Record<string, string | number>) {
  const items: AuditItem[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await audit(token, { ...query, ...(cursor ? { cursor } : {}) });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    pages.push(page.body.items.length);
    cursor = page.body.nextCursor;
  } while (cursor && pages.length < 50);
  return { items, pages };
}

const waveBody = (name: string) => ({
  name,
  opensAt: iso(T0 - 48 * HOUR),
  closesAt: iso(T0 - 24 * HOUR),
  quota: 10,
  purchaseDeadlineDays: 30,
  scheme: {
    trainingBalanceIdr: 1_000_000,
    incentiveIdr: 600_000,
    incentiveMonths: 4,
    surveyIncentiveIdr: 50_000,
    surveyCount: 3,
  },
});

const range = { from: iso(T0 - HOUR), to: iso(T0 + 4 * HOUR) };
const niks = [randomIdentity().nik, randomIdentity().nik, randomIdentity().nik];
let adminId: string;
let approverId: string;
let waveId: string;
let partnerId: string;
let token: string;

beforeAll(async () => {
  approverId = subOf(await adminToken('approver'));
  // Hour 10: a wave, and a replay of its request.
  token = await at(T0);
  adminId = subOf(token);
  const headers = { 'idempotency-key': `audit-wave-${T0}-${Math.random()}` };
  const wave = await call('POST', '/v1/admin/waves', { token, headers, body: waveBody('Gelombang audit') });
  expect(wave.status).toBe(201);
  waveId = wave.body.waveId;
  const replay = await call('POST', '/v1/admin/waves', { token, headers, body: waveBody('Gelombang audit') });
  expect(replay.body.waveId).toBe(waveId);
  // Hour 11: a partner registered and moved.
  token = await at(T0 + HOUR);
  const partner = await call('POST', '/v1/admin/partners', {
    token,
    body: { name: 'Audit Academy', kind: 'platform', code: `audit-${Date.now() % 1e9}` },
  });
  expect(partner.status).toBe(201);
  partnerId = partner.body.partnerId;
  const moved = await call('POST', `/v1/admin/partners/${partnerId}/transitions`, {
    token,
    body: { to: 'MOU_SIGNED', note: 'MoU ditandatangani' },
  });
  expect(moved.status).toBe(200);
  // A refusal records nothing.
  const refused = await call('POST', `/v1/admin/partners/${partnerId}/transitions`, {
    token,
    body: { to: 'LIVE', note: 'terlalu cepat' },
  });
  expect(refused.status).toBe(409);
  // Hour 12 is quiet; hour 13: two list imports.
  token = await at(T0 + 3 * HOUR);
  const excluded = await call('POST', '/v1/admin/exclusion-lists/civil-servants/entries', {
    token,
    body: { niks },
  });
  expect(excluded.status).toBe(200);
  const laidOff = await call('POST', '/v1/admin/priority-lists/laid-off/entries', {
    token,
    body: { niks: niks.slice(0, 2) },
  });
  expect(laidOff.status).toBe(200);
});

afterAll(async () => {
  await call('DELETE', '/_local/clock');
});

describe('GET /v1/admin/audit', () => {
  it('lists the administrator actions newest first, with actor, role, kind and subject, nothing personal', async () => {
    const page = await audit(token, range);
    expect(page.status).toBe(200);
    expect(page.body.items.map((i) => i.kind)).toEqual([
      'list.imported',
      'list.imported',
      'partner.transition',
      'partner.created',
      'wave.created',
    ]);
    expect(page.body.nextCursor).toBeNull();
    const [laidOff, excluded, moved, created, wave] = page.body.items;
    for (const item of page.body.items) expect(item).toMatchObject({ actor: adminId, role: 'admin' });
    expect(wave).toMatchObject({ subject: waveId, detail: { name: 'Gelombang audit', quota: 10 } });
    expect(created).toMatchObject({ subject: partnerId, detail: { kind: 'platform', status: 'APPLIED' } });
    expect(moved).toMatchObject({ subject: partnerId, detail: { from: 'APPLIED', to: 'MOU_SIGNED' } });
    expect(excluded).toMatchObject({ subject: 'civil-servants', detail: { received: 3, imported: 3 } });
    expect(laidOff).toMatchObject({ subject: 'laid-off', detail: { received: 2 } });
    const times = page.body.items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Date.parse(wave!.at)).toBeGreaterThanOrEqual(T0);
    expect(Date.parse(laidOff!.at)).toBeGreaterThanOrEqual(T0 + 3 * HOUR);
    // No NIK (nor any 16-digit number) in the trail.
    const text = JSON.stringify(page.body);
    for (const nik of niks) expect(text).not.toContain(nik);
    expect(text).not.toMatch(/\d{16}/);
  });

  it('writes one record for an idempotent replay, none for a refusal', async () => {
    const waves = await audit(token, { ...range, kind: 'wave.created' });
    expect(waves.body.items.filter((i) => i.subject === waveId)).toHaveLength(1);
    const moves = await audit(token, { ...range, kind: 'partner.transition' });
    expect(moves.body.items).toHaveLength(1);
  });

  it('filters by actor, by kind (exactly or as a prefix) and by time', async () => {
    expect((await audit(token, { ...range, actor: adminId })).body.items).toHaveLength(5);
    expect((await audit(token, { ...range, actor: approverId })).body.items).toHaveLength(0);
    expect((await audit(token, { ...range, actor: 'system' })).body.items).toHaveLength(0);
    const kinds = async (kind: string) =>
      (await audit(token, { ...range, kind })).body.items.map((i) => i.kind);
    expect(await kinds('partner.')).toEqual(['partner.transition', 'partner.created']);
    expect(await kinds('partner')).toEqual(['partner.transition', 'partner.created']);
    expect(await kinds('partner.created')).toEqual(['partner.created']);
    expect(await kinds('partner.create')).toEqual([]);
    expect(await kinds('list.imported')).toEqual(['list.imported', 'list.imported']);
    const hour11 = await audit(token, { from: iso(T0 + 40 * 60_000), to: iso(T0 + 2 * HOUR) });
    expect(hour11.body.items.map((i) => i.kind)).toEqual(['partner.transition', 'partner.created']);
    const both = await audit(token, { ...range, actor: adminId, kind: 'wave' });
    expect(both.body.items.map((i) => i.subject)).toEqual([waveId]);
  });

  it('pages with a cursor across pages and hour partitions, exactly', async () => {
    const whole = (await audit(token, range)).body.items;
    for (const limit of [1, 2, 3]) {
      const { items, pages } = await all(token, { ...range, limit });
      expect(items).toEqual(whole);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(5 / limit));
    }
    const filtered = await all(token, { ...range, kind: 'partner.', limit: 1 });
    expect(filtered.items.map((i) => i.kind)).toEqual(['partner.transition', 'partner.created']);
  });

  it('walks a quiet range in bounded pages: short pages, a cursor until the range is exhausted', async () => {
    // 97 empty hours: 48 partitions a page.
    const quiet = { from: '2033-01-01T00:00:00.000Z', to: '2033-01-05T00:00:00.000Z' };
    const first = await audit(token, quiet);
    expect(first.body.items).toEqual([]);
    expect(first.body.nextCursor).not.toBeNull();
    const { items, pages } = await all(token, quiet);
    expect(items).toEqual([]);
    expect(pages).toHaveLength(3);
  });

  it('keeps the range and filters of its cursor', async () => {
    const first = await audit(token, { ...range, limit: 1 });
    const cursor = first.body.nextCursor!;
    // The same query without `to` (now moves on) continues the same listing.
    const second = await audit(token, { from: range.from, limit: 1, cursor });
    expect(second.status).toBe(200);
    expect(second.body.items[0]!.kind).toBe('list.imported');
    const otherKind = await audit(token, { ...range, kind: 'wave.', cursor });
    expect(otherKind.status).toBe(400);
    expect(otherKind.body.errors?.[0]?.path).toBe('cursor');
  });

  it('refuses bad ranges and crafted cursors', async () => {
    const reversed = await audit(token, { from: range.to, to: range.from });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors?.[0]?.path).toBe('from');
    const tooLong = await audit(token, { from: '2031-01-01T00:00:00Z', to: '2033-01-01T00:00:00Z' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.[0]?.path).toBe('from');
    const fromOnly = await audit(token, { from: '2030-01-01T00:00:00Z' });
    expect(fromOnly.status).toBe(400);
    const crafted = await audit(token, { cursor: 'eyJob3VyIjoiMjAzMy0wNS0xMFQxMCJ9.AAAA' });
    expect(crafted.status).toBe(400);
    expect(crafted.body.errors?.[0]?.path).toBe('cursor');
    expect((await audit(token, { limit: 501 })).status).toBe(400);
    expect((await audit(token, { kind: 'Not A Kind' })).status).toBe(400);
    // `to` in the future is clamped to now: the newest action is still there.
    const future = await audit(token, { from: range.from, to: '2040-01-01T00:00:00Z', limit: 1 });
    expect(future.status).toBe(200);
    expect(future.body.items[0]!.kind).toBe('list.imported');
  });

  it('is read by admin and approver only', async () => {
    const approver = await adminToken('approver');
    expect((await audit(approver, range)).body.items).toHaveLength(5);
    const citizen = await registerCitizen();
    expect((await audit(citizen.token, range)).status).toBe(403);
    expect((await call('GET', '/v1/admin/audit')).status).toBe(401);
  });
});

describe('money movements in the trail', () => {
  it("lists each participant's training credit as money.training-credit, and the selection start", async () => {
    await call('DELETE', '/_local/clock');
    const since = new Date(Date.now() - 1000).toISOString();
    const admin = await adminToken();
    const created = await call('POST', '/v1/admin/waves', {
      token: admin,
      body: {
        ...waveBody('Gelombang audit uang'),
        opensAt: iso(Date.now() - 2 * HOUR),
        closesAt: iso(Date.now() - HOUR),
        quota: 4,
      },
    });
    const wave = created.body.waveId as string;
    await loadApplicants(
      stack(),
      stackDirOf(inject('stackLogFile')),
      wave,
      syntheticApplicants(6, { seed: 48151 }),
    );
    const selection = await runSelection(stack(), admin, wave, { seed: 'audit-money-wave', segments: 2 });
    expect(selection.status).toBe('SUCCEEDED');

    const started = await audit(admin, { from: since, kind: 'selection.started' });
    expect(started.body.items.find((i) => i.subject === wave)).toMatchObject({
      actor: subOf(admin),
      role: 'admin',
      detail: { seed: 'audit-money-wave' },
    });
    const { items } = await all(admin, { from: since, kind: 'money.', limit: 500 });
    const credits = items.filter((i) => i.detail.waveId === wave);
    expect(credits).toHaveLength(4);
    for (const credit of credits) {
      expect(credit).toMatchObject({
        actor: 'system',
        role: 'system',
        kind: 'money.training-credit',
        detail: { amountIdr: 1_000_000, balanceAfterIdr: 1_000_000, counterparty: 'treasury', waveId: wave },
      });
      expect(credit.subject).toMatch(/^[\w-]+$/);
    }
    expect(new Set(credits.map((c) => c.subject)).size).toBe(4);
    const system = await audit(admin, { from: since, actor: 'system', kind: 'money.training-credit' });
    expect(system.body.items.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the sharded hour partitions', () => {
  // 600 records over three hours of 2021, where nothing else writes, each in the shard its
  // id gives (items.ts `auditIndex`), several in the same millisecond.
  const H0 = Date.parse('2021-03-04T05:00:00.000Z');
  const span = { from: iso(H0), to: iso(H0 + 3 * HOUR - 1) };
  const kinds = ['wave.created', 'partner.created', 'list.imported'];
  const records = Array.from({ length: 600 }, (_, i) => ({
    id: `shards-${i}-${Math.random().toString(36).slice(2)}`,
    at: iso(H0 + Math.floor((i * 3 * HOUR) / 600) + (i % 3)),
    actor: 'shard-test',
    role: 'admin',
    kind: kinds[i % 3]!,
    subject: `s${i}`,
    detail: { n: i },
  }));
  const newestFirst = (rs: typeof records) =>
    [...rs].sort((a, b) => (`${a.at}#${a.id}` < `${b.at}#${b.id}` ? 1 : -1)).map((r) => r.subject);

  beforeAll(async () => {
    const client = documentClient(stack());
    for (let i = 0; i < records.length; i += 25)
      await client.send(
        new BatchWriteCommand({
          RequestItems: {
            [stack().tableName]: records
              .slice(i, i + 25)
              .map((r) => ({ PutRequest: { Item: auditRecord.item(r) } })),
          },
        }),
      );
    expect(new Set(records.map((r) => auditRecord.item(r).GSI1PK)).size).toBe(3 * AUDIT_SHARDS);
  });

  it('lists every record exactly once, newest first, whatever the page size', async () => {
    const token = await adminToken();
    for (const limit of [17, 64, 500]) {
      const { items, pages } = await all(token, { ...span, limit });
      expect(items.map((i) => i.subject)).toEqual(newestFirst(records));
      expect(pages.every((n) => n <= limit)).toBe(true);
    }
  });

  it('merges filtered shards in order too', async () => {
    const token = await adminToken();
    const { items } = await all(token, { ...span, kind: 'partner.', limit: 33 });
    expect(items.map((i) => i.subject)).toEqual(
      newestFirst(records.filter((r) => r.kind === 'partner.created')),
    );
    const first = await audit(token, { ...span, limit: 5 });
    // A cursor of another listing is refused, never a 5xx.
    const other = await audit(token, { ...span, kind: 'wave.', cursor: first.body.nextCursor! });
    expect(other.status).toBe(400);
  });
});

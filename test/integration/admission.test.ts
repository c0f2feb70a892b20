import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_CACHE_MS } from '#contexts/admission/store/room.ts';
import { adminToken, call, registerCitizen, uniqueEmail, uniquePhone } from '#test/support/api.ts';
import { waveBody } from '#test/support/waves.ts';

// The waiting room (docs/waiting-room.md) on a real stack: it moves what every file would
// see (the room is one per stack, and the backend's one clock), so it runs in a serial group.
const slug = (r: { body: { type?: string } }) => r.body.type?.split('/').pop();
// Forward only, by steps: the watermark follows the clock.
let offsetMs = 0;
const moveClock = (ms: number) => {
  offsetMs += ms;
  return call('POST', '/_local/clock', { body: { now: new Date(Date.now() + offsetMs).toISOString() } });
};

let admin: string;
const setRoom = (body: Record<string, unknown>) =>
  call('PUT', '/v1/admin/waiting-room', { token: admin, body });
const enter = (entryId: string) => call('POST', '/v1/waiting-room/entries', { body: { entryId } });
const place = (entryId: string) => call('GET', `/v1/waiting-room/entries/${entryId}`);
const register = (admissionToken?: string) =>
  call('POST', '/v1/accounts', {
    body: {
      fullName: 'Warga Antri',
      email: uniqueEmail(),
      password: 'correct horse battery',
      phone: uniquePhone(),
    },
    headers: admissionToken ? { 'x-admission-token': admissionToken } : {},
  });

/** Queues `n` entries one after another (their tickets in arrival order within a shard). */
async function queue(n: number) {
  const entries: { entryId: string; ticket: number }[] = [];
  for (let i = 0; i < n; i++) {
    const entryId = randomUUID();
    const r = await enter(entryId);
    expect(r.status).toBe(201);
    entries.push({ entryId, ticket: r.body.ticket });
  }
  return entries;
}

beforeAll(async () => {
  admin = await adminToken();
});

afterAll(async () => {
  await setRoom({ on: false, ratePerSecond: 1, capacityPerSecond: 1 });
  await call('DELETE', '/_local/clock');
});

describe('the waiting room', () => {
  it('off: an entry is admitted at once, and registration needs no token', async () => {
    expect((await setRoom({ on: false, ratePerSecond: 10, capacityPerSecond: 10 })).status).toBe(200);
    const r = await enter(randomUUID());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ admitted: true, position: 0 });
    expect(typeof r.body.admissionToken).toBe('string');
    expect((await register()).status).toBe(201);
  });

  it('a refresh and a second tab keep the place; hundreds at once get distinct tickets', async () => {
    await setRoom({ on: true, ratePerSecond: 1, capacityPerSecond: 10 });
    const entryId = randomUUID();
    const first = await enter(entryId);
    expect(first.status).toBe(201);
    expect(first.body.admitted).toBe(false);
    expect(first.body.position).toBeGreaterThan(0);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    // The refreshed page and a second tab send the same id: the same ticket.
    const again = await Promise.all(Array.from({ length: 10 }, () => enter(entryId)));
    for (const r of again) expect(r.body.ticket).toBe(first.body.ticket);
    expect(again.every((r) => r.status === 200)).toBe(true);
    const polled = await place(entryId);
    expect(polled.body).toMatchObject({ ticket: first.body.ticket, admitted: false });
    // At the room's rate: set to 1 a second, but a minute's measurement with no failures may
    // have raised it (by one a minute, at most to the capacity of 10). The exact arithmetic is
    // test/unit/admission.test.ts's.
    expect(polled.body.estimateSeconds).toBeLessThanOrEqual(polled.body.position);
    expect(polled.body.estimateSeconds).toBeGreaterThanOrEqual(Math.ceil(polled.body.position / 10));

    const many = await Promise.all(Array.from({ length: 300 }, () => enter(randomUUID())));
    expect(many.every((r) => r.status === 201)).toBe(true);
    const tickets = many.map((r) => r.body.ticket);
    expect(new Set([...tickets, first.body.ticket]).size).toBe(301);
    expect((await place(randomUUID())).status).toBe(404);
  });

  it('admits in ticket order as the watermark moves, and the token registers once', async () => {
    // Off and on again: the earlier queue is let through, this test's entries queue afresh.
    await setRoom({ on: false, ratePerSecond: 2, capacityPerSecond: 10 });
    await setRoom({ on: true, ratePerSecond: 2, capacityPerSecond: 10 });
    const entries = await queue(12);
    const noToken = await register();
    expect(noToken.status).toBe(403);
    expect(slug(noToken)).toBe('admission-required');
    expect(noToken.body.waitingRoom).toBe('/v1/waiting-room/entries');

    // A container reads the shards' counts once a second (ROOM_CACHE_MS, real time): counts
    // read while these entries queued do not know the later ones, and place a ticket by
    // the people they know of (docs/waiting-room.md: the order holds within that second's
    // arrivals). Once they know every entry, the order is strict by ticket.
    await new Promise((resolve) => setTimeout(resolve, ROOM_CACHE_MS + 100));
    // The clock forward a second at a time until some are admitted and some wait.
    let places: Awaited<ReturnType<typeof place>>[] = [];
    const split = () => places.some((p) => p.body.admitted) && places.some((p) => !p.body.admitted);
    for (let step = 0; step < 40 && !split(); step++) {
      await moveClock(1_000);
      places = await Promise.all(entries.map((e) => place(e.entryId)));
    }
    const admitted = places.filter((p) => p.body.admitted).map((p) => p.body.ticket);
    const waiting = places.filter((p) => !p.body.admitted).map((p) => p.body.ticket);
    expect(admitted.length).toBeGreaterThan(0);
    expect(waiting.length).toBeGreaterThan(0);
    // Every admitted ticket is below every waiting one.
    expect(Math.max(...admitted)).toBeLessThan(Math.min(...waiting));
    for (const p of places.filter((p) => !p.body.admitted)) expect(p.body.admissionToken).toBeUndefined();

    const token = places.find((p) => p.body.admitted)!.body.admissionToken as string;
    expect((await register(token)).status).toBe(201);
    // Replayed, or a fresh token of the same entry: refused.
    const replay = await register(token);
    expect(replay.status).toBe(403);
    expect(slug(replay)).toBe('admission-used');
    const entryId = places.find((p) => p.body.admitted)!.body.entryId;
    const fresh = (await place(entryId)).body.admissionToken as string;
    expect(slug(await register(fresh))).toBe('admission-used');
  });

  it('admits its rate in people, not ticket numbers, when few queue', async () => {
    // 40 entries over 16 shards leave most ticket numbers unissued: the watermark counts
    // people, so 4 seconds and more at 5 a second admit at least 20 of them, not half that.
    await setRoom({ on: false, ratePerSecond: 5, capacityPerSecond: 5 });
    const onAt = Date.now();
    await setRoom({ on: true, ratePerSecond: 5, capacityPerSecond: 5 });
    const entered = await Promise.all(Array.from({ length: 40 }, () => enter(randomUUID())));
    expect(entered.every((r) => r.status === 201)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100)); // the containers' counts, a second old
    await moveClock(4_000);
    const before = (await call('GET', '/v1/admin/waiting-room', { token: admin })).body;
    const places = await Promise.all(entered.map((e) => place(e.body.entryId)));
    const after = (await call('GET', '/v1/admin/waiting-room', { token: admin })).body;
    const admitted = places.filter((p) => p.body.admitted).length;
    // Each poll's answer lies between the room's figures read before and after it.
    expect(before.watermark).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeGreaterThanOrEqual(before.watermark);
    expect(admitted).toBeLessThanOrEqual(after.watermark);
    expect(after.watermark).toBeLessThanOrEqual(5 * Math.ceil((Date.now() - onAt + 4_000) / 1000));
    expect(after.queueLength).toBe(40 - after.watermark);
    // In ticket order: every admitted ticket below every waiting one.
    const ticket = (p: (typeof places)[number]) => p.body.ticket as number;
    const waiting = places.filter((p) => !p.body.admitted).map(ticket);
    if (waiting.length)
      expect(Math.max(...places.filter((p) => p.body.admitted).map(ticket))).toBeLessThan(
        Math.min(...waiting),
      );
  });

  it('refuses a forged, a session and an expired token; a failed registration uses no admission', async () => {
    await setRoom({ on: true, ratePerSecond: 1000, capacityPerSecond: 1000 });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(randomUUID())
      .setJti(randomUUID())
      .setIssuer('prakerja')
      .setAudience('prakerja-admission')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new Uint8Array(32).fill(7));
    expect(slug(await register(forged))).toBe('admission-required');
    expect(slug(await register(admin))).toBe('admission-required');
    const unsigned = `${forged.split('.').slice(0, 2).join('.')}.`;
    expect(slug(await register(unsigned))).toBe('admission-required');

    const [entry] = await queue(1);
    await moveClock(2_000);
    const token = (await place(entry!.entryId)).body.admissionToken as string;
    expect(token).toBeTruthy();
    // A taken email refuses the registration, and the admission stays unused.
    const email = uniqueEmail();
    const body = (phone: string) => ({ fullName: 'Warga', email, password: 'correct horse battery', phone });
    const withToken = { 'x-admission-token': token };
    expect(
      (await call('POST', '/v1/accounts', { body: body(uniquePhone()), headers: withToken })).status,
    ).toBe(201);
    const [other] = await queue(1);
    await moveClock(4_000);
    const otherToken = (await place(other!.entryId)).body.admissionToken as string;
    const taken = await call('POST', '/v1/accounts', {
      body: body(uniquePhone()),
      headers: { 'x-admission-token': otherToken },
    });
    expect(slug(taken)).toBe('duplicate-email');
    expect((await register(otherToken)).status).toBe(201);
    const [late] = await queue(1);
    await moveClock(4_000);
    const lateToken = (await place(late!.entryId)).body.admissionToken as string;

    await moveClock(20 * 60_000);
    const expired = await register(lateToken);
    expect(expired.status).toBe(403);
    expect(slug(expired)).toBe('admission-required');
    expect(expired.body.detail).toMatch(/expired/);
  });

  it('a wave join needs an admission while the room is on', async () => {
    await setRoom({ on: false, ratePerSecond: 10, capacityPerSecond: 10 });
    const citizen = await registerCitizen({ verifyPhone: false });
    await setRoom({ on: true, ratePerSecond: 10, capacityPerSecond: 10 });
    const join = await call('POST', '/v1/me/waves/no-such-wave/join', { token: citizen.token });
    expect(join.status).toBe(403);
    expect(slug(join)).toBe('admission-required');
  });

  it('switches itself on when arrivals exceed its rate, and off once drained and quiet; an override holds', async () => {
    const room = async () => (await call('GET', '/v1/admin/waiting-room', { token: admin })).body;
    await setRoom({ on: false, ratePerSecond: 2, capacityPerSecond: 2 });
    // Arrivals only (no opening window): other files' waves open around now. A rate of 2 a
    // second: the rush below is caught even when a loaded stack spreads its 40 arrivals
    // over several 2 s buckets of real time.
    const auto = await setRoom({
      on: false,
      auto: true,
      openingMinutes: 0,
      ratePerSecond: 2,
      capacityPerSecond: 2,
    });
    expect(auto.body).toMatchObject({ on: false, auto: true });
    // A few arrivals, below the rate: off, nobody queues.
    expect((await register()).status).toBe(201);
    await moveClock(3_000);
    expect((await register()).status).toBe(201);
    expect((await room()).on).toBe(false);

    // A rush: 16 registrations at once, counted as they arrive (before their password
    // hashes), far over 2 a second in any 2 s bucket they fall in.
    const rush = await Promise.all(Array.from({ length: 16 }, () => register()));
    expect(rush.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    // A request checks the arrivals once a bucket (2 s) after the last check, which a request
    // of the rush itself may have made, and reads the buckets since (three at most, 6 s): the
    // clock goes a second at a time until a check is due, while the rush's buckets are still
    // read (4 s after it ended, a loaded CI run's check no longer read them; 2 s after it
    // began, another's was not yet due). The request that checks and whoever comes next queue.
    let queued = await register();
    for (let step = 0; step < 4 && queued.status === 201; step++) {
      await moveClock(1_000);
      queued = await register();
    }
    expect(queued.status).toBe(403);
    expect(slug(queued)).toBe('admission-required');
    const on = await room();
    expect(on).toMatchObject({ on: true, auto: true });

    // Queued people are admitted at the rate; once the queue is drained and arrivals stay
    // below the rate for a minute, it switches itself off.
    const [entry] = await queue(1);
    // Counts that know the entry (read once a second): placed by them, not by the upper
    // bound a ticket newer than the counts gets.
    await new Promise((resolve) => setTimeout(resolve, ROOM_CACHE_MS + 100));
    await moveClock(3_000);
    const admitted = await place(entry!.entryId);
    expect(admitted.body.admitted).toBe(true);
    expect((await register(admitted.body.admissionToken)).status).toBe(201);
    await moveClock(30_000);
    await place(entry!.entryId); // a check: quiet, still on
    expect((await room()).on).toBe(true);
    await moveClock(35_000);
    await place(entry!.entryId); // quiet for over a minute: off
    expect((await room()).on).toBe(false);
    expect((await register()).status).toBe(201);

    // The administrator's switch is an override: on stays on however quiet it is.
    await setRoom({ on: true, ratePerSecond: 5, capacityPerSecond: 5 });
    await moveClock(70_000);
    expect((await register()).status).toBe(403);
    await moveClock(70_000);
    expect(await room()).toMatchObject({ on: true, auto: false });
  });

  it("switches itself on at a wave's opening for its window, whoever arrives", async () => {
    // A month ahead, where no other file's wave opens; a session of that time.
    await moveClock(30 * 24 * 3600_000);
    admin = await adminToken();
    const at = (ms: number) => new Date(Date.now() + offsetMs + ms).toISOString();
    const wave = await call('POST', '/v1/admin/waves', {
      token: admin,
      body: waveBody({
        name: 'Gelombang antre',
        opensAt: at(60_000),
        closesAt: at(7 * 24 * 3600_000),
        quota: 10,
      }),
    });
    expect(wave.status).toBe(201);
    await setRoom({ on: false, auto: true, openingMinutes: 5, ratePerSecond: 5, capacityPerSecond: 5 });
    await moveClock(3_000);
    expect((await register()).status).toBe(201); // before the opening: off
    await moveClock(60_000);
    const opened = await register(); // the opening: on, though one arrives
    expect(slug(opened)).toBe('admission-required');
    // Still on through the window, however quiet; off once it is past and a minute quiet.
    await moveClock(4 * 60_000);
    expect((await register()).status).toBe(403);
    await moveClock(61_000);
    await register(); // the window past: quiet from here
    await moveClock(61_000);
    expect((await register()).status).toBe(201);
  });

  it('lowers the rate when admitted registrations fail, and counts them', async () => {
    await setRoom({ on: false, ratePerSecond: 5, capacityPerSecond: 5 });
    await setRoom({ on: true, ratePerSecond: 5, capacityPerSecond: 5 });
    const entries = await queue(12);
    await moveClock(60_000);
    const tokens = (await Promise.all(entries.map((e) => place(e.entryId)))).map(
      (p) => p.body.admissionToken as string,
    );
    expect(tokens.every(Boolean)).toBe(true);
    await call('POST', '/_local/faults', { body: { point: 'admission.admitted', afterItems: 1, times: 12 } });
    const failed = await Promise.all(tokens.map((t) => register(t)));
    expect(failed.every((r) => r.status === 500)).toBe(true);
    // The failed registrations used nothing: the same tokens register now.
    expect((await register(tokens[0])).status).toBe(201);

    await moveClock(125_000);
    await place(entries[1]!.entryId); // the poll that measures
    const room = await call('GET', '/v1/admin/waiting-room', { token: admin });
    expect(room.status).toBe(200);
    expect(room.body.ratePerSecond).toBeLessThan(5);
    expect(room.body.ticketsIssued).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SentMessage } from '#local/sent.ts';
import { adminToken, call, stack, uniqueEmail, uniquePhone } from '#test/support/api.ts';
import { grown, setSendingRate, tally, writeBulkNotices } from '#test/support/notices.ts';

// The two paths (docs/notifications.md) on the local stack, with the SES and SNS stand-ins
// limited to a sending rate: bulk notices leave through their queues at that rate, each
// exactly once, while sign-up codes keep arriving within seconds. In a serial group: the
// rate switch and the after-send fault are the stack's, and the tally counts every send.

// Twenty seconds of sending at the bulk share (80%) of the rate: the five codes asked one a
// second while it drains are asked well within it, however long the stack takes to start
// sending on a loaded machine (twelve seconds at 100 a second once left time for two). More
// notices at a higher rate cost more work for the same proof.
const RATE = 50;
const BULK = 800;

const sentTo = async (to: string) =>
  (await call<{ items: SentMessage[] }>('GET', `/_local/sent?to=${encodeURIComponent(to)}`)).body.items;

const backlog = async (token: string) =>
  (await call('GET', '/v1/admin/notices/backlog', { token })).body as {
    toSend: number;
    queues: { channel: string; waiting: number; inFlight: number; delayed: number; deadLetters: number }[];
  };

/** Waits until the tally has grown by `n` distinct notices since `before`. */
const drained = (before: Awaited<ReturnType<typeof tally>>, n: number, timeout: number) =>
  vi.waitFor(
    async () => {
      const now = grown(before, await tally(stack().apiUrl));
      if (now.distinct < n) throw new Error(`${now.distinct} of ${n} sent`);
      return now;
    },
    { timeout, interval: 250 },
  );

/** Registers a citizen and answers how long its email code took to reach the stand-in. */
async function codeLatency(): Promise<number> {
  const email = uniqueEmail();
  const started = Date.now();
  const created = await call('POST', '/v1/accounts', {
    body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone: uniquePhone() },
  });
  expect(created.status).toBe(201);
  await vi.waitFor(
    async () => {
      if (!(await sentTo(email)).length) throw new Error('no code yet');
    },
    { timeout: 20_000, interval: 50 },
  );
  return Date.now() - started;
}

let token: string;

beforeAll(async () => {
  token = await adminToken();
  await setSendingRate(stack().apiUrl, { email: RATE, sms: RATE });
});

afterAll(async () => {
  await setSendingRate(stack().apiUrl, { email: 1000, sms: 1000 });
});

describe('bulk notices and codes', () => {
  it(`sends ${BULK} bulk notices exactly once at the stand-ins' rate while codes arrive within seconds`, async () => {
    const before = await tally(stack().apiUrl);
    const started = Date.now();
    const recipients = await writeBulkNotices(stack(), BULK);
    // The backlog counts what is still to send, from the queues.
    const during = await vi.waitFor(
      async () => {
        const b = await backlog(token);
        if (b.toSend === 0) throw new Error('nothing queued yet');
        return b;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(during.queues.map((q) => q.channel).sort()).toEqual(['email', 'sms']);
    // Codes requested while the backlog drains: each within a few seconds. Five, one a
    // second, each timed on its own and asked without waiting on anything else (a check of
    // the backlog before each ask, on a loaded run, left time for two). All five were asked
    // while bulk notices were still to send when, after the fifth, the stand-ins' tally has
    // not yet counted them all.
    const asked: Promise<number>[] = [];
    for (let i = 0; i < 5; i++) {
      asked.push(codeLatency());
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(
      grown(before, await tally(stack().apiUrl)).distinct,
      'bulk notices sent when the last code was asked',
    ).toBeLessThan(BULK);
    const latencies = await Promise.all(asked);
    // A few seconds, on a machine whose two cores run the whole stack and the suite.
    expect(Math.max(...latencies)).toBeLessThan(10_000);
    const done = await drained(before, BULK + latencies.length, 120_000);
    const seconds = (Date.now() - started) / 1000;
    // Every notice once: as many sends as distinct notices, none twice.
    expect(done.duplicated).toBe(0);
    expect(done.sends).toBe(done.distinct);
    // Never faster than the provider allows (80% of it for bulk, the rest for codes).
    expect(BULK / seconds).toBeLessThanOrEqual(RATE);
    for (const to of [recipients[0]!, recipients[1]!, recipients.at(-1)!])
      expect(await sentTo(to), to).toHaveLength(1);
    await vi.waitFor(
      async () => {
        const after = await backlog(token);
        if (after.toSend !== 0) throw new Error(`${after.toSend} left`);
        expect(after.queues.every((q) => q.deadLetters === 0)).toBe(true);
      },
      { timeout: 30_000, interval: 250 },
    );
  });

  it('a message delivered again after its notice left (a crash before the delete) is not sent twice', async () => {
    const armed = await call('POST', '/_local/faults', {
      body: { point: 'notifications.after-send', afterItems: 1, times: 1 },
    });
    expect(armed.status).toBe(200);
    const before = await tally(stack().apiUrl);
    const recipients = await writeBulkNotices(stack(), 5, 0);
    // The crash after a send (not the tally's growth, which another file's late code can
    // make before these notices leave).
    await vi.waitFor(
      async () =>
        expect((await call('GET', '/_local/faults?point=notifications.after-send')).body.fired).toBe(1),
      { timeout: 30_000, interval: 250 },
    );
    // The failed invocation's messages come back after the visibility timeout and find
    // their notices marked sent.
    await vi.waitFor(
      async () => {
        if ((await backlog(token)).toSend !== 0) throw new Error('not yet redelivered');
      },
      { timeout: 90_000, interval: 500 },
    );
    expect(grown(before, await tally(stack().apiUrl)).duplicated).toBe(0);
    for (const to of recipients) expect(await sentTo(to), to).toHaveLength(1);
  });

  it('a code whose stream batch comes again after the code left (a crash after the send) is not sent again', async () => {
    const point = 'notifications.code-after-send';
    const armed = await call('POST', '/_local/faults', { body: { point, afterItems: 1, times: 1 } });
    expect(armed.status).toBe(200);
    const register = async () => {
      const email = uniqueEmail();
      const created = await call('POST', '/v1/accounts', {
        body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone: uniquePhone() },
      });
      expect(created.status).toBe(201);
      return email;
    };
    const email = await register();
    // The invocation that sent the code fails after it: the stream hands the batch again.
    await vi.waitFor(
      async () => expect((await call('GET', `/_local/faults?point=${point}`)).body.fired).toBe(1),
      { timeout: 20_000, interval: 100 },
    );
    // A code asked for afterwards is behind the retried batch on the stream: once it has
    // arrived, the retry has run and found the first code sent.
    const next = await register();
    await vi.waitFor(async () => expect(await sentTo(next)).toHaveLength(1), {
      timeout: 20_000,
      interval: 100,
    });
    const codes = await sentTo(email);
    expect(codes).toHaveLength(1);
    expect(codes[0]!.text).toMatch(/\d{6}/);
  });

  it('a throttled send is queued again with a delay and sent, never dropped nor sent to the DLQ', async () => {
    // The stand-ins take 20 a second; the senders still try at the old rate.
    await setSendingRate(stack().apiUrl, { email: 20, sms: 20, sendersFollow: false });
    try {
      const before = await tally(stack().apiUrl);
      const recipients = await writeBulkNotices(stack(), 60, 0);
      const done = await drained(before, 60, 60_000);
      expect(done.throttled).toBeGreaterThan(0);
      expect(done).toMatchObject({ sends: 60, distinct: 60, duplicated: 0 });
      for (const to of recipients.slice(0, 5)) expect(await sentTo(to)).toHaveLength(1);
      expect((await backlog(token)).queues.every((q) => q.deadLetters === 0)).toBe(true);
    } finally {
      await setSendingRate(stack().apiUrl, { email: RATE, sms: RATE });
    }
  });

  it('answers the backlog to staff only', async () => {
    expect((await call('GET', '/v1/admin/notices/backlog')).status).toBe(401);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WaitingRoom } from '#contexts/admission/items.ts';
import {
  ARRIVAL_BUCKET_S,
  admissionWindow,
  autoSwitch,
  bucketOf,
  bucketsToCheck,
  CHECK_BUCKETS,
  checkDue,
  counterAtFloor,
  issuedPeople,
  jitteredRetry,
  MIN_RATE,
  nextRate,
  peopleBelow,
  placeOf,
  QUIET_MS,
  reanchorAhead,
  TICKET_SHARDS,
  ticketOf,
  waitingPeople,
  watermark,
  withRate,
} from '#contexts/admission/rules/room.ts';
import { shardOf } from '#platform/store/shard.ts';
import { pollDelayMs } from '../../web/src/citizen/poll-delay.ts';

const room = (over: Partial<WaitingRoom> = {}): WaitingRoom => ({
  on: true,
  w0: 0,
  t0Ms: 0,
  floor: 0,
  ratePerSecond: 10,
  capacityPerSecond: 100,
  measuredAtMs: 0,
  v: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('tickets from shards', () => {
  it('never gives two entries the same ticket', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 400 }), (ids) => {
        const counts = new Array(TICKET_SHARDS).fill(0);
        const tickets = ids.map((id) => {
          const shard = shardOf(id, TICKET_SHARDS);
          return ticketOf(++counts[shard], shard);
        });
        expect(new Set(tickets).size).toBe(ids.length);
      }),
    );
  });

  it('counts the people waiting, not the holes between the shards', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 4000 }),
        (ids, mark) => {
          const counts = new Array(TICKET_SHARDS).fill(0);
          const tickets = ids.map((id) => {
            const shard = shardOf(id, TICKET_SHARDS);
            return ticketOf(++counts[shard], shard);
          });
          // The mark counts people: everyone at or past `mark` people waits.
          const ranked = [...tickets].sort((a, b) => a - b);
          expect(waitingPeople(counts, 0, mark)).toBe(ranked.filter((_, i) => i >= mark).length);
          for (const [i, t] of ranked.entries()) expect(peopleBelow(t, counts, 0)).toBe(i);
        },
      ),
    );
  });

  it('admits nobody out of arrival order beyond the admission window', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 300 }), (ids) => {
        const counts = new Array(TICKET_SHARDS).fill(0);
        // The window as it stood when each entry arrived (the shards' spread then).
        const arrivals = ids.map((id) => {
          const window = admissionWindow(counts);
          const shard = shardOf(id, TICKET_SHARDS);
          return { ticket: ticketOf(++counts[shard], shard), window };
        });
        // Admitted by ticket: a later arrival admitted first is within the earlier one's window.
        for (let i = 0; i < arrivals.length; i++)
          for (let j = i + 1; j < arrivals.length; j++) {
            const earlier = arrivals[i]!;
            expect(earlier.ticket - arrivals[j]!.ticket).toBeLessThan(earlier.window);
          }
      }),
    );
  });
});

const countsArb = fc.array(fc.integer({ min: 0, max: 5_000 }), {
  minLength: TICKET_SHARDS,
  maxLength: TICKET_SHARDS,
});

describe('the watermark and a place', () => {
  it('admits a ticket by its estimate, and the position only goes down', () => {
    fc.assert(
      fc.property(
        countsArb,
        fc.nat(),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (counts, pick, w0, rate, nowMs) => {
          const shard = pick % TICKET_SHARDS;
          counts[shard] = Math.max(1, counts[shard]!);
          const n = counts[shard]!;
          const ticket = ticketOf(1 + (pick % n), shard);
          const r = room({ w0, ratePerSecond: rate });
          const now = placeOf(ticket, r, counts, nowMs);
          const then = placeOf(ticket, r, counts, nowMs + now.estimateSeconds * 1000);
          expect(then.admitted).toBe(true);
          expect(placeOf(ticket, r, counts, nowMs + 1000).position).toBeLessThanOrEqual(now.position);
          if (!now.admitted) {
            expect(now.position).toBeGreaterThan(0);
            // Honest: the position is the people before it not yet admitted.
            expect(now.position).toBe(peopleBelow(ticket, counts, 0) - watermark(r, nowMs) + 1);
            expect(now.retryAfterSeconds).toBeGreaterThanOrEqual(2);
            expect(now.retryAfterSeconds).toBeLessThanOrEqual(60);
          }
        },
      ),
    );
  });

  it('admits everyone while the room is off or past its until, and tickets from before its opening', () => {
    const counts = new Array(TICKET_SHARDS).fill(100);
    expect(placeOf(1000, room({ on: false }), counts, 0).admitted).toBe(true);
    expect(placeOf(1000, room({ until: '1970-01-01T00:00:01.000Z' }), counts, 2000).admitted).toBe(true);
    expect(placeOf(1000, room(), counts, 0).admitted).toBe(false);
    expect(placeOf(999, room({ floor: 1000 }), counts, 0).admitted).toBe(true);
  });

  it('admits the set rate whether 5 or 5,000 a second arrive, in ticket order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        (arrivalsPerSecond, rate, floor, seconds, seed) => {
          // A shard per arrival from the seed (a hash of the entry id, in the store).
          let x = seed | 1;
          const randomShard = () => {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            return (x >>> 0) % TICKET_SHARDS;
          };
          // Each arrival takes a random shard's next ticket; the shards given before the
          // opening (the floor) jump to it, as store/room.ts takeTicket does.
          const counts = Array.from({ length: TICKET_SHARDS }, (_, s) =>
            Math.max(0, Math.ceil((floor - s) / TICKET_SHARDS)),
          );
          const r = room({ floor, ratePerSecond: rate });
          const tickets: number[] = [];
          let admittedBefore = 0;
          for (let second = 1; second <= seconds; second++) {
            const stale = [...counts]; // a container's counts, read before this second's entries
            const known = tickets.length;
            for (let i = 0; i < arrivalsPerSecond; i++) {
              const shard = randomShard();
              counts[shard] = Math.max(counts[shard]! + 1, counterAtFloor(floor, shard));
              tickets.push(ticketOf(counts[shard]!, shard));
            }
            const admitted = tickets.filter((t) => placeOf(t, r, counts, second * 1000).admitted);
            // Exactly the rate, or everyone when fewer came: the holes take no admission.
            expect(admitted.length).toBe(Math.min(tickets.length, rate * second));
            expect(issuedPeople(counts, floor)).toBe(tickets.length);
            expect(admitted.length - admittedBefore).toBeLessThanOrEqual(rate);
            admittedBefore = admitted.length;
            // In ticket order: every admitted ticket is below every waiting one.
            const isAdmitted = new Set(admitted);
            // Counts older than a ticket never admit it before the true counts would.
            for (const t of tickets.slice(known))
              if (placeOf(t, r, stale, second * 1000).admitted) expect(isAdmitted.has(t)).toBe(true);
            const waiting = tickets.filter((t) => !isAdmitted.has(t));
            if (waiting.length && admitted.length)
              expect(Math.max(...admitted)).toBeLessThan(Math.min(...waiting));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('does not jump when the rate changes, and an idle room does not bank admissions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (rate, newRate, nowMs, issued) => {
          const r = room({ ratePerSecond: rate });
          expect(watermark(withRate(r, newRate, nowMs), nowMs)).toBe(watermark(r, nowMs));
          const anchor = reanchorAhead(r, issued, nowMs);
          if (!anchor) return;
          const after = watermark({ ...r, ...anchor }, nowMs);
          expect(after).toBeGreaterThan(issued);
          expect(after).toBeLessThanOrEqual(issued + Math.ceil(rate * 2));
        },
      ),
    );
  });
});

describe('the measured rate', () => {
  it('goes down when failures rise, back up slowly after clean minutes, within its bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (rate, capacity, failures) => {
          const next = nextRate(rate, capacity, failures);
          expect(next).toBeGreaterThanOrEqual(MIN_RATE);
          if (failures >= Math.max(5, rate * 60 * 0.01))
            expect(next).toBeLessThan(Math.max(rate, MIN_RATE + 1));
          else expect(next).toBeLessThanOrEqual(Math.max(capacity, Math.min(capacity, rate)));
          if (failures === 0 && rate < capacity) {
            expect(next).toBeGreaterThan(rate);
            expect(next).toBeLessThanOrEqual(Math.max(rate + 1, Math.ceil(rate * 1.1)));
          }
        },
      ),
    );
  });
});

describe('polls spread out', () => {
  const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('spreads Retry-After over +-25% (at least a second), never under 2 s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), unit, unit, (base, u, v) => {
        const spread = Math.max(1, Math.round(base / 4));
        const retry = jitteredRetry(base, u);
        expect(Number.isInteger(retry)).toBe(true);
        expect(retry).toBeGreaterThanOrEqual(Math.max(2, base - spread));
        expect(retry).toBeLessThanOrEqual(base + spread);
        expect(retry).toBeLessThanOrEqual(75);
        // Monotone in u: the whole range is reachable, the ends included.
        if (u <= v) expect(retry).toBeLessThanOrEqual(jitteredRetry(base, v));
      }),
    );
    expect(jitteredRetry(60, 0)).toBe(45);
    expect(jitteredRetry(60, 0.9999)).toBe(75);
    expect(jitteredRetry(2, 0)).toBe(2);
    expect(jitteredRetry(2, 0.9999)).toBe(3);
  });

  it('a page polls no earlier than told, and at most a quarter (5 s) later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), unit, (retry, u) => {
        const told = Math.max(2, retry) * 1000;
        const delay = pollDelayMs(retry, u);
        expect(delay).toBeGreaterThanOrEqual(told);
        expect(delay).toBeLessThanOrEqual(told + Math.min(told / 4, 5000));
      }),
    );
  });

  it('spreads a crowd told the same thing at the same moment', () => {
    // 1,000 pages told 40 s: no second gets more than a small share of their polls back.
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = Math.floor(pollDelayMs(jitteredRetry(40, Math.random()), Math.random()) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(perSecond.size).toBeGreaterThanOrEqual(20);
    expect(Math.max(...perSecond.values())).toBeLessThan(150);
  });
});

describe('the room switches itself', () => {
  it('on when arrivals exceed the rate, off only once drained and quiet for QUIET_MS', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0, max: 40_000, noNaN: true }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 3 * QUIET_MS }),
        fc.boolean(),
        (on, rate, arrivalsPerSecond, waiting, nowMs, quietFor, opening) => {
          const r = room({ on, auto: true, ratePerSecond: rate, quietSinceMs: nowMs - quietFor });
          const next = autoSwitch(r, { arrivalsPerSecond, waiting, opening }, nowMs);
          if (!on) {
            expect(next.on).toBe(opening || arrivalsPerSecond > rate);
            return;
          }
          const quiet = !opening && waiting === 0 && arrivalsPerSecond < rate;
          expect(next.on).toBe(!quiet || quietFor < QUIET_MS);
          if (next.on && quiet) expect(next.quietSinceMs).toBe(nowMs - quietFor);
          if (!quiet) expect(next.quietSinceMs).toBeUndefined();
        },
      ),
    );
  });

  it('checks once a bucket, reading only finished buckets since the last check', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e7 }), (checkedAtMs, gap) => {
        const nowMs = checkedAtMs + gap;
        const r = room({ auto: true, checkedAtMs });
        expect(checkDue(r, nowMs)).toBe(gap >= ARRIVAL_BUCKET_S * 1000);
        expect(checkDue(room({ auto: false, checkedAtMs }), nowMs)).toBe(false);
        const buckets = bucketsToCheck(r, nowMs);
        expect(buckets.length).toBeLessThanOrEqual(CHECK_BUCKETS);
        for (const b of buckets) {
          expect(b).toBeLessThan(bucketOf(nowMs));
          expect(b).toBeGreaterThanOrEqual(bucketOf(checkedAtMs));
        }
        if (checkDue(r, nowMs)) expect(buckets).toContain(bucketOf(nowMs) - 1);
      }),
    );
  });
});

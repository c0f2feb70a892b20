import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WaitingRoom } from '#contexts/admission/items.ts';
import {
  admissionWindow,
  MIN_RATE,
  nextRate,
  placeOf,
  reanchorAhead,
  TICKET_SHARDS,
  ticketOf,
  waitingPeople,
  watermark,
  withRate,
} from '#contexts/admission/rules/room.ts';
import { shardOf } from '#platform/store/shard.ts';

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
          expect(waitingPeople(counts, mark)).toBe(tickets.filter((t) => t >= mark).length);
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

describe('the watermark and a place', () => {
  it('admits a ticket by its estimate, and the position only goes down', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (w0, rate, nowMs, laterMs) => {
          const r = room({ w0, ratePerSecond: rate });
          const ticket = w0 + Math.floor((rate * nowMs) / 1000) + laterMs;
          const now = placeOf(ticket, r, nowMs);
          const then = placeOf(ticket, r, nowMs + now.estimateSeconds * 1000);
          expect(then.admitted).toBe(true);
          expect(placeOf(ticket, r, nowMs + 1000).position).toBeLessThanOrEqual(now.position);
          if (!now.admitted) {
            expect(now.position).toBeGreaterThan(0);
            expect(now.retryAfterSeconds).toBeGreaterThanOrEqual(2);
            expect(now.retryAfterSeconds).toBeLessThanOrEqual(60);
          }
        },
      ),
    );
  });

  it('admits everyone while the room is off or past its until', () => {
    expect(placeOf(1e9, room({ on: false }), 0).admitted).toBe(true);
    expect(placeOf(1e9, room({ until: '1970-01-01T00:00:01.000Z' }), 2000).admitted).toBe(true);
    expect(placeOf(1e9, room(), 0).admitted).toBe(false);
  });

  it('does not jump when the rate changes, and an idle room does not bank admissions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: -1, max: 1_000_000 }),
        (rate, newRate, nowMs, lastTicket) => {
          const r = room({ ratePerSecond: rate });
          expect(watermark(withRate(r, newRate, nowMs), nowMs)).toBe(watermark(r, nowMs));
          const anchor = reanchorAhead(r, lastTicket, nowMs);
          if (!anchor) return;
          const after = watermark({ ...r, ...anchor }, nowMs);
          expect(after).toBeGreaterThan(lastTicket);
          expect(after).toBeLessThanOrEqual(lastTicket + 1 + Math.ceil(rate * 2));
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

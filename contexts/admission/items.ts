import { item } from '#platform/store/item.ts';

// The waiting room's items (docs/waiting-room.md): its one state, the ticket counters
// (sharded: one counter item takes 1,000 writes a second at most), the entries, the
// admissions used, and the backend failures counted per minute (sharded too).

/**
 * The room: on or off, and the admission watermark as a function of time,
 * watermark(t) = w0 + rate * (t - t0), so no tick moves it. `v` versions every change
 * (an admin's, a re-anchoring, the measured rate's).
 */
export interface WaitingRoom {
  on: boolean;
  /** Off again from then on (ISO), e.g. the end of a wave's opening rush. */
  until?: string;
  w0: number;
  t0Ms: number;
  /** The first ticket of this opening (the last one given + 1 when it was switched on):
   *  a shard whose counter lags below it jumps to it, so nobody entering now is admitted
   *  ahead of the queue. */
  floor: number;
  /** Tickets admitted a second now (lowered when failures rise, raised back slowly). */
  ratePerSecond: number;
  /** The rate the measured control raises back to at most: what the backend absorbs. */
  capacityPerSecond: number;
  /** When the rate was last measured against the failures (epoch ms). */
  measuredAtMs: number;
  /** The room switches itself: on when arrivals exceed the rate, off once the queue is
   *  drained and arrivals stayed below it for QUIET_MS. False: an administrator's switch
   *  holds (an override). */
  auto?: boolean;
  /** When arrivals were last checked (epoch ms). */
  checkedAtMs?: number;
  /** Since when the queue is drained and arrivals below the rate (epoch ms). */
  quietSinceMs?: number;
  /** An automatic room is on for this many minutes from a wave's opening (its opensAt),
   *  whoever arrives: the first seconds of a rush queue too. */
  openingMinutes?: number;
  v: number;
  updatedAt: string;
}

export const waitingRoom = item<WaitingRoom>()({
  type: 'WaitingRoom',
  key: (_: Record<string, never>) => ({ PK: 'WAITINGROOM', SK: 'STATE' }),
});

/** One of the ticket counters: `n` tickets taken from this shard. */
export const ticketCounter = item<{ n: number }>()({
  type: 'TicketCounter',
  key: ({ shard }: { shard: number }) => ({ PK: `WAITINGROOM#TICKETS#${shard}`, SK: 'COUNTER' }),
  untagged: true,
});

/** A place in the queue, under the id the browser made and keeps (a refresh and a second
 *  tab send the same one). */
export interface WaitingEntry {
  ticket: number;
  enteredAt: string;
  expiresAtEpoch: number;
}

export const waitingEntry = item<WaitingEntry>()({
  type: 'WaitingEntry',
  key: ({ entryId }: { entryId: string }) => ({ PK: `WAITINGROOM#ENTRY#${entryId}`, SK: 'ENTRY' }),
});

/** An admission used: one registration and one join per wave per entry (a replayed token
 *  finds it and is refused). */
export const admissionUse = item<{ at: string; expiresAtEpoch: number }>()({
  type: 'AdmissionUse',
  key: ({ entryId, purpose }: { entryId: string; purpose: string }) => ({
    PK: `WAITINGROOM#USED#${entryId}`,
    SK: `USE#${purpose}`,
  }),
});

/** Failed (5xx, throttled) admitted requests of one minute, on one shard. */
export const admissionFailures = item<{ n: number; expiresAtEpoch?: number }>()({
  type: 'AdmissionFailures',
  key: ({ minute, shard }: { minute: string; shard: number }) => ({
    PK: `WAITINGROOM#FAILURES#${minute}#${shard}`,
    SK: 'COUNT',
  }),
  untagged: true,
});

/** Arrivals (a registration or a join not yet admitted) of one 2-second bucket, on one
 *  shard: what switches the room on by itself. */
export const admissionArrivals = item<{ n: number; expiresAtEpoch?: number }>()({
  type: 'AdmissionArrivals',
  key: ({ bucket, shard }: { bucket: number; shard: number }) => ({
    PK: `WAITINGROOM#ARRIVALS#${bucket}#${shard}`,
    SK: 'COUNT',
  }),
  untagged: true,
});

import type { WaitingRoom } from '#contexts/admission/items.ts';

// The waiting room's arithmetic (docs/waiting-room.md), pure.

/** Ticket counter shards: 13,000 entries a second need 13 counters at 1,000 writes a
 *  second each; 16 leave room. */
export const TICKET_SHARDS = 16;
/** How far the watermark may run ahead of the last ticket taken (seconds of admissions):
 *  an idle room does not bank admissions for the next rush. */
export const BURST_SECONDS = 2;
/** The slowest the measured control lowers the rate to. */
export const MIN_RATE = 1;
/** An admission token's lifetime: long enough to fill in the registration form. */
export const ADMISSION_TOKEN_S = 15 * 60;
/** An entry's lifetime (TTL): a wave's opening day. */
export const ENTRY_TTL_S = 24 * 3600;
/** How often the rate is measured against the failures. */
export const MEASURE_EVERY_MS = 60_000;
/** Arrivals are counted in buckets of this many seconds; an automatic room checks them
 *  once a bucket. */
export const ARRIVAL_BUCKET_S = 2;
/** The buckets a check reads at most (the worst of them decides). */
export const CHECK_BUCKETS = 3;
/** How long an automatic room stays on once its queue is drained and arrivals are below
 *  its rate: a lull in a rush does not switch it off. */
export const QUIET_MS = 60_000;
/** The window from a wave's opening an automatic room is on for, unless set. */
export const OPENING_MINUTES = 10;

/** The ticket of the shard's n-th entry (n from 1): shards interleave, so tickets of
 *  entries made at the same time are close whatever shard took them. */
export function ticketOf(n: number, shard: number): number {
  return (n - 1) * TICKET_SHARDS + shard;
}

/** The shard's counter value whose ticket is the first at or above `floor`. */
export function counterAtFloor(floor: number, shard: number): number {
  return Math.max(1, Math.ceil((floor - shard) / TICKET_SHARDS) + 1);
}

/**
 * People admitted since the room's opening (its `floor`): the watermark counts people,
 * not ticket numbers, so the tickets the shards never gave (holes) take no admission and
 * the room admits its rate whether 5 or 5,000 a second arrive.
 */
export function watermark(room: Pick<WaitingRoom, 'w0' | 't0Ms' | 'ratePerSecond'>, nowMs: number): number {
  return room.w0 + Math.floor((room.ratePerSecond * Math.max(0, nowMs - room.t0Ms)) / 1000);
}

/** The shard and the shard's entry number (from 1) of a ticket. */
export function shardOfTicket(ticket: number): { shard: number; n: number } {
  return { shard: ticket % TICKET_SHARDS, n: Math.floor(ticket / TICKET_SHARDS) + 1 };
}

/**
 * People (tickets given) at or above `floor` and below `ticket`, from the shards' counts:
 * shard s gave its entries `counterAtFloor(floor, s)` to `counts[s]` in this opening (a
 * shard that lagged jumped to the floor, leaving a hole below it).
 */
export function peopleBelow(ticket: number, counts: readonly number[], floor: number): number {
  let people = 0;
  for (let shard = 0; shard < counts.length; shard++) {
    const below = Math.max(0, Math.ceil((ticket - shard) / TICKET_SHARDS));
    people += Math.max(0, Math.min(counts[shard]!, below) - (counterAtFloor(floor, shard) - 1));
  }
  return people;
}

/** Everyone given a ticket in this opening. */
export function issuedPeople(counts: readonly number[], floor: number): number {
  return peopleBelow(Number.MAX_SAFE_INTEGER, counts, floor);
}

/**
 * The counts to place `ticket` by. Counts read before the ticket was given (a container
 * reads them once a second) do not know who entered since, on any shard: the ticket is
 * then placed as if every shard had given all its tickets below it (an upper bound on the
 * people before it), so a new entry is never admitted early on stale counts, at a rush's
 * start least of all; its next poll, 2 s or more later, finds counts that know it.
 */
export function withTicket(counts: readonly number[], ticket: number): number[] {
  const { shard, n } = shardOfTicket(ticket);
  if (counts[shard]! >= n) return [...counts];
  return counts.map((c, s) => Math.max(c, Math.ceil((ticket - s) / TICKET_SHARDS), s === shard ? n : 0));
}

/** Whether the room holds people back now. */
export function roomOn(room: WaitingRoom | undefined, nowMs: number): room is WaitingRoom {
  return !!room?.on && (room.until === undefined || Date.parse(room.until) > nowMs);
}

export interface Place {
  admitted: boolean;
  /** People before this one not yet admitted, plus one; 0 once admitted. */
  position: number;
  /** When this ticket passes the watermark at the current rate. */
  estimateSeconds: number;
  /** When to ask again: often near the front, rarely far back. */
  retryAfterSeconds: number;
}

const ADMITTED: Place = { admitted: true, position: 0, estimateSeconds: 0, retryAfterSeconds: 0 };

/**
 * Where `ticket` stands: admitted once fewer people before it (in this opening) than the
 * watermark; a ticket below the opening's floor was given before it and is admitted.
 */
export function placeOf(
  ticket: number,
  room: WaitingRoom | undefined,
  counts: readonly number[],
  nowMs: number,
): Place {
  if (!roomOn(room, nowMs) || ticket < room.floor) return ADMITTED;
  const mark = watermark(room, nowMs);
  const before = peopleBelow(ticket, withTicket(counts, ticket), room.floor);
  if (before < mark) return ADMITTED;
  const position = before - mark + 1;
  const estimateSeconds = room.ratePerSecond > 0 ? Math.ceil(position / room.ratePerSecond) : 3600;
  return {
    admitted: false,
    position,
    estimateSeconds,
    retryAfterSeconds: Math.min(60, Math.max(2, Math.ceil(estimateSeconds / 4))),
  };
}

/**
 * Retry-After spread over +-25% (at least a second) by `u` in [0, 1): clients told the
 * same thing at the same moment come back spread out, not together. Never below 2 s.
 */
export function jitteredRetry(retryAfterSeconds: number, u: number): number {
  const spread = Math.max(1, Math.round(retryAfterSeconds / 4));
  const low = Math.max(2, retryAfterSeconds - spread);
  const high = retryAfterSeconds + spread;
  return Math.min(high, low + Math.floor(u * (high - low + 1)));
}

/**
 * The anchor when the watermark has run ahead of the people given a ticket by more than
 * the burst (an idle room), or undefined: re-anchored, the next rush queues from there.
 */
export function reanchorAhead(
  room: WaitingRoom,
  issued: number,
  nowMs: number,
): Pick<WaitingRoom, 'w0' | 't0Ms'> | undefined {
  const burst = Math.max(1, Math.ceil(room.ratePerSecond * BURST_SECONDS));
  if (watermark(room, nowMs) <= issued + burst) return undefined;
  return { w0: issued + burst, t0Ms: nowMs };
}

/**
 * The rate after a minute with `failures` failed admitted requests out of about
 * `rate * 60` admitted: down by 30% when over 1% failed (at least 5), back up by 10% (at
 * least 1 a second) after a clean minute, never above capacity nor below MIN_RATE.
 */
export function nextRate(rate: number, capacity: number, failures: number): number {
  const admitted = rate * 60;
  if (failures >= Math.max(5, admitted * 0.01)) return Math.max(MIN_RATE, Math.floor(rate * 0.7));
  if (failures === 0) return Math.min(capacity, Math.max(rate + 1, Math.ceil(rate * 1.1)));
  return Math.min(capacity, rate);
}

/** The room re-anchored at `nowMs` with a new rate: the watermark does not jump. */
export function withRate(
  room: WaitingRoom,
  rate: number,
  nowMs: number,
): Pick<WaitingRoom, 'w0' | 't0Ms' | 'ratePerSecond'> {
  return { w0: watermark(room, nowMs), t0Ms: nowMs, ratePerSecond: rate };
}

/**
 * The admission window: how many tickets apart two entries may be admitted out of their
 * arrival order. Shards are taken by a hash of the entry id, so their counters drift
 * apart; an entry of the busiest shard can stand behind a later one of the quietest by
 * the shards' spread, times the shards.
 */
export function admissionWindow(shardCounts: number[]): number {
  return TICKET_SHARDS * (Math.max(...shardCounts) - Math.min(...shardCounts) + 1);
}

/** People given a ticket in this opening and not yet admitted. */
export function waitingPeople(counts: readonly number[], floor: number, mark: number): number {
  return Math.max(0, issuedPeople(counts, floor) - mark);
}

/** The minute a failure is counted in: `yyyy-mm-ddThh:mm`. */
export function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** The arrival bucket of a moment. */
export function bucketOf(ms: number): number {
  return Math.floor(ms / 1000 / ARRIVAL_BUCKET_S);
}

/** Whether an automatic room is due to check its arrivals (once a bucket). */
export function checkDue(room: WaitingRoom | undefined, nowMs: number): room is WaitingRoom {
  return !!room?.auto && nowMs - (room.checkedAtMs ?? 0) >= ARRIVAL_BUCKET_S * 1000;
}

/** The finished buckets since the last check (at most CHECK_BUCKETS, the latest). */
export function bucketsToCheck(room: WaitingRoom, nowMs: number): number[] {
  const last = bucketOf(nowMs) - 1;
  const first = Math.max(bucketOf(room.checkedAtMs ?? 0), last - CHECK_BUCKETS + 1);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

export interface Traffic {
  /** Arrivals a second in the worst finished bucket since the last check. */
  arrivalsPerSecond: number;
  /** People queued and not yet admitted. */
  waiting: number;
  /** Whether a wave opened within the room's opening window. */
  opening: boolean;
}

/** The opensAt range (ISO) whose waves hold an automatic room on now. */
export function openingRange(room: WaitingRoom, nowMs: number): { from: string; to: string } {
  const minutes = room.openingMinutes ?? OPENING_MINUTES;
  return { from: new Date(nowMs - minutes * 60_000).toISOString(), to: new Date(nowMs).toISOString() };
}

/**
 * An automatic room's switch: on when arrivals exceed the rate the backend absorbs (the
 * measured rate), or within a wave's opening window; off once the window is past, the
 * queue is drained and arrivals stayed below the rate for QUIET_MS (no check for that
 * long means nobody arrived). Deterministic in the clock.
 */
export function autoSwitch(
  room: WaitingRoom,
  traffic: Traffic,
  nowMs: number,
): { on: boolean; quietSinceMs?: number } {
  const on = room.on && (room.until === undefined || Date.parse(room.until) > nowMs);
  if (!on) return { on: traffic.opening || traffic.arrivalsPerSecond > room.ratePerSecond };
  const quiet = !traffic.opening && traffic.waiting === 0 && traffic.arrivalsPerSecond < room.ratePerSecond;
  if (!quiet) return { on: true };
  const since = room.quietSinceMs ?? room.checkedAtMs ?? nowMs;
  return nowMs - since >= QUIET_MS ? { on: false } : { on: true, quietSinceMs: since };
}

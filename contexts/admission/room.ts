import {
  issueAdmissionToken,
  verifyAdmissionToken,
  WAITING_ROOM_PATH,
} from '#contexts/admission/admission-token.ts';
import type { WaitingRoom } from '#contexts/admission/items.ts';
import {
  ARRIVAL_BUCKET_S,
  autoSwitch,
  bucketOf,
  bucketsToCheck,
  checkDue,
  issuedPeople,
  jitteredRetry,
  MEASURE_EVERY_MS,
  minuteOf,
  nextRate,
  OPENING_MINUTES,
  openingRange,
  type Place,
  placeOf,
  reanchorAhead,
  roomOn,
  waitingPeople,
  watermark,
  withRate,
  withTicket,
} from '#contexts/admission/rules/room.ts';
import {
  AdmissionUsed,
  arrivalsIn,
  countArrival,
  countFailure,
  enter,
  failuresIn,
  lastTicket,
  readCounts,
  readEntry,
  readRoom,
  shardCounts,
  useAdmission,
  waveOpensIn,
  writeRoom,
} from '#contexts/admission/store/room.ts';
import { faults } from '#platform/faults.ts';
import { Problem } from '#platform/http/problem.ts';
import { logger } from '#platform/logger.ts';
import { count } from '#platform/observability.ts';
import type { TransactItem } from '#platform/store/transact.ts';

// The waiting room's steps, between the handlers and the store.

export interface EntryView extends Place {
  entryId: string;
  ticket: number;
  admissionToken?: string;
}

async function view(
  entryId: string,
  ticket: number,
  room: WaitingRoom | undefined,
  counts: readonly number[],
  nowMs: number,
) {
  const base = placeOf(ticket, room, counts, nowMs);
  // The estimate stays the watermark's; only when to ask again is spread.
  const place = base.admitted
    ? base
    : { ...base, retryAfterSeconds: jitteredRetry(base.retryAfterSeconds, Math.random()) };
  const admissionToken = place.admitted ? await issueAdmissionToken(entryId, nowMs) : undefined;
  return { entryId, ticket, ...place, ...(admissionToken ? { admissionToken } : {}) };
}

/** Retry-After while queued (none once admitted). */
export function retryAfter(entry: EntryView): Record<string, string> {
  return entry.admitted ? {} : { 'retry-after': String(entry.retryAfterSeconds) };
}

/** Queues `entryId` (once), and where it stands. */
export async function enterRoom(entryId: string, now: Date): Promise<EntryView & { created: boolean }> {
  await checkRoom(now);
  const [room, cachedCounts] = await Promise.all([readRoom(), readCounts()]);
  const nowMs = now.getTime();
  const { entry, created } = await enter(entryId, now, roomOn(room, nowMs) ? room.floor : 0);
  let counts = cachedCounts;
  let current = room;
  // An idle room's watermark ran ahead: anchored just past the people queued (counted
  // afresh, rarely: once when a rush starts), a rush queues from here.
  const ahead = (c: number[]) =>
    created && roomOn(room, nowMs)
      ? reanchorAhead(room, issuedPeople(withTicket(c, entry.ticket), room.floor), nowMs)
      : undefined;
  if (ahead(counts) && room) {
    counts = await shardCounts(true);
    const anchor = ahead(counts);
    const next = anchor && { ...room, ...anchor, v: room.v + 1, updatedAt: now.toISOString() };
    if (next && (await writeRoom(next, room.v))) current = next;
  }
  return { ...(await view(entryId, entry.ticket, current, counts, nowMs)), created };
}

/** Where `entryId` stands, or undefined for an unknown entry. */
export async function entryPlace(entryId: string, now: Date): Promise<EntryView | undefined> {
  const [entry, room, counts] = await Promise.all([readEntry(entryId, false), readRoom(), readCounts()]);
  if (!entry) return undefined;
  if (room?.auto || roomOn(room, now.getTime())) await measure(room!, now);
  await checkRoom(now);
  return view(entryId, entry.ticket, await readRoom(), counts, now.getTime());
}

let lastMeasureTryMs = Number.NEGATIVE_INFINITY;

/**
 * The measured control, done lazily by a poll (no schedule): once a minute, the rate is
 * set from the failures counted since the last measure. One try per container a minute;
 * the room's version lets one writer win.
 */
export async function measure(room: WaitingRoom, now: Date): Promise<void> {
  const nowMs = now.getTime();
  if (
    nowMs - room.measuredAtMs < MEASURE_EVERY_MS ||
    Math.abs(nowMs - lastMeasureTryMs) < MEASURE_EVERY_MS / 2
  )
    return;
  lastMeasureTryMs = nowMs;
  const minutes: string[] = [];
  const minuteStart = Math.floor(nowMs / 60_000) * 60_000;
  for (let t = Math.max(room.measuredAtMs, minuteStart - 5 * 60_000); t < minuteStart; t += 60_000)
    minutes.push(minuteOf(t));
  if (!minutes.length) return;
  // The worst finished minute: one bad minute is enough to slow down.
  const failures = Math.max(...(await Promise.all(minutes.map(failuresIn))));
  const rate = nextRate(room.ratePerSecond, room.capacityPerSecond, failures);
  const next = {
    ...room,
    ...withRate(room, rate, nowMs),
    measuredAtMs: minuteStart,
    v: room.v + 1,
    updatedAt: now.toISOString(),
  };
  if (await writeRoom(next, room.v))
    logger.info('waiting room rate measured', { failures, from: room.ratePerSecond, to: rate });
}

let lastCheckTryMs = Number.NEGATIVE_INFINITY;

/**
 * An automatic room's check, done lazily by the requests that reach the room (no
 * schedule): once a bucket, from the arrivals counted since the last check and the queue,
 * it switches the room on or off (`autoSwitch`). One try per container a second; the
 * room's version lets one writer win.
 */
export async function checkRoom(now: Date): Promise<void> {
  // The request it rides on never fails for it: the next one checks again a second later.
  await switchIfDue(now).catch((e) => logger.warn('waiting room check failed', { error: String(e) }));
}

async function switchIfDue(now: Date): Promise<void> {
  const nowMs = now.getTime();
  if (!checkDue(await readRoom(), nowMs) || Math.abs(nowMs - lastCheckTryMs) < 1000) return;
  lastCheckTryMs = nowMs;
  const room = await readRoom(true);
  if (!checkDue(room, nowMs)) return;
  const [arrivals, counts, opening] = await Promise.all([
    Promise.all(bucketsToCheck(room, nowMs).map(arrivalsIn)),
    shardCounts(true),
    (room.openingMinutes ?? OPENING_MINUTES) > 0 ? waveOpensIn(openingRange(room, nowMs)) : false,
  ]);
  const on = roomOn(room, nowMs);
  const traffic = {
    arrivalsPerSecond: Math.max(0, ...arrivals) / ARRIVAL_BUCKET_S,
    waiting: on ? waitingPeople(counts, room.floor, watermark(room, nowMs)) : 0,
    opening,
  };
  const decided = autoSwitch(room, traffic, nowMs);
  const { until: _, quietSinceMs: __, ...rest } = room;
  const next: WaitingRoom = {
    ...rest,
    // Switched on: an opening of its own, as an administrator's switch starts one.
    ...(decided.on && !on ? { w0: 0, t0Ms: nowMs, floor: lastTicket(counts) + 1 } : {}),
    on: decided.on,
    ...(decided.quietSinceMs !== undefined ? { quietSinceMs: decided.quietSinceMs } : {}),
    checkedAtMs: nowMs,
    v: room.v + 1,
    updatedAt: now.toISOString(),
  };
  if ((await writeRoom(next, room.v)) && decided.on !== on)
    logger.info(decided.on ? 'waiting room switched itself on' : 'waiting room switched itself off', {
      ...traffic,
      ratePerSecond: room.ratePerSecond,
    });
}

/** Counts an arrival (not yet admitted) for an automatic room. */
async function arrive(nowMs: number): Promise<void> {
  await countArrival(bucketOf(nowMs), Math.floor(nowMs / 1000)).catch((e) =>
    logger.warn('waiting room arrival not counted', { error: String(e) }),
  );
}

export interface RoomSettings {
  on: boolean;
  ratePerSecond: number;
  capacityPerSecond: number;
  until?: string;
  /** The room switches itself from here on (`on` is where it starts); false or absent:
   *  this switch holds (an override). */
  auto?: boolean /** An automatic room's window from a wave's opening (minutes). */;
  openingMinutes?: number;
}

/** An administrator's switch: the watermark starts at the last ticket given, so whoever
 *  queued while the room was off is admitted and whoever comes next queues. */
export async function setRoom(settings: RoomSettings, now: Date): Promise<WaitingRoom> {
  for (;;) {
    const [room, counts] = await Promise.all([readRoom(true), shardCounts(true)]);
    const nowMs = now.getTime();
    const on = roomOn(room, nowMs) ? room : undefined;
    const next: WaitingRoom = {
      on: settings.on,
      ...(settings.until ? { until: settings.until } : {}),
      // Already on: the watermark carries on at the new rate; switched on: nobody of this
      // opening is admitted yet, and every ticket given before it is.
      w0: on ? withRate(on, settings.ratePerSecond, nowMs).w0 : 0,
      t0Ms: nowMs,
      floor: on ? on.floor : lastTicket(counts) + 1,
      ratePerSecond: settings.ratePerSecond,
      capacityPerSecond: settings.capacityPerSecond,
      measuredAtMs: Math.floor(nowMs / 60_000) * 60_000,
      auto: settings.auto ?? false,
      ...(settings.openingMinutes !== undefined ? { openingMinutes: settings.openingMinutes } : {}),
      checkedAtMs: nowMs,
      v: (room?.v ?? 0) + 1,
      updatedAt: now.toISOString(),
    };
    if (await writeRoom(next, room?.v)) return next;
  }
}

/** The room's figures for administrators and the benchmark. */
export async function roomFigures(now: Date) {
  const [room, counts] = await Promise.all([readRoom(true), shardCounts(true)]);
  const nowMs = now.getTime();
  const on = roomOn(room, nowMs);
  const floor = room?.floor ?? 0;
  const issued = issuedPeople(counts, floor);
  // People admitted in this opening (everyone given a ticket while it is off).
  const mark = on ? Math.min(issued, watermark(room, nowMs)) : issued;
  const [failuresLastMinute, arrivals] = await Promise.all([
    failuresIn(minuteOf(nowMs - 60_000)),
    arrivalsIn(bucketOf(nowMs) - 1),
  ]);
  return {
    on,
    auto: room?.auto ?? false,
    openingMinutes: room?.openingMinutes ?? OPENING_MINUTES,
    arrivalsPerSecond: arrivals / ARRIVAL_BUCKET_S,
    ratePerSecond: room?.ratePerSecond ?? 0,
    capacityPerSecond: room?.capacityPerSecond ?? 0,
    ...(room?.until ? { until: room.until } : {}),
    ticketsIssued: lastTicket(counts) + 1,
    watermark: mark,
    // People, not tickets: the holes between the shards' tickets are nobody.
    queueLength: waitingPeople(counts, floor, mark),
    failuresLastMinute,
    updatedAt: room?.updatedAt ?? null,
  };
}

/**
 * For an admitted route: nothing while the room is off; else the token's admission, to
 * be used in the route's own transaction (refused there when used already).
 */
export async function admission(
  token: string | undefined,
  purpose: string,
  now: Date,
): Promise<TransactItem[]> {
  const before = await readRoom();
  // An automatic room counts who arrives without an admission (off, everyone), and may
  // switch itself on for this very request.
  if (before?.auto) {
    const arrival = !token || !roomOn(before, now.getTime()) ? arrive(now.getTime()) : undefined;
    await Promise.all([arrival, checkRoom(now)]);
  }
  const room = before?.auto ? await readRoom() : before;
  if (!roomOn(room, now.getTime())) return [];
  const entryId = await verifyAdmissionToken(token, now.getTime());
  return [useAdmission(entryId, purpose, now)];
}

/**
 * Runs an admitted route's work: a used admission becomes its refusal, and a failure of
 * the backend (a throttle, a 5xx, a timeout) is counted for the measured rate.
 */
export async function admitted<T>(now: Date, work: () => Promise<T>): Promise<T> {
  try {
    faults.check('admission.admitted', { done: 1 });
    return await work();
  } catch (error) {
    if (error instanceof AdmissionUsed)
      throw new Problem('admission-used', 'This admission was used already: queue again with a new entry.', {
        extensions: { waitingRoom: WAITING_ROOM_PATH },
      });
    if (backendFailure(error)) {
      count('AdmissionFailed');
      await countFailure(minuteOf(now.getTime()), Math.floor(now.getTime() / 1000)).catch((e) =>
        logger.warn('waiting room failure not counted', { error: String(e) }),
      );
    }
    throw error;
  }
}

/** An error of the backend, not a refusal: the SDK's (throttles, 5xx, timeouts) or an
 *  injected fault. */
function backendFailure(error: unknown): boolean {
  const e = error as { $metadata?: unknown; name?: string };
  if (e?.name === 'ConditionalCheckFailedException') return false;
  return e?.$metadata !== undefined || e?.name === 'InjectedFault' || e?.name === 'TimeoutError';
}

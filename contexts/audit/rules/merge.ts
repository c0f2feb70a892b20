// Reading the audit trail's hour newest first when it is spread over shards (platform/
// items.ts `auditIndex`): each round reads the next few entries of every shard below the
// listing's position and merges them. Index sort keys are unique, so one key is a
// position in every shard at once: everything newer is listed, everything older is not.

/** What one shard's Query of a round returned. */
export interface ShardRead<T> {
  /** Entries that passed the filter, in any order. */
  items: T[];
  /** The sort key of the last entry the Query evaluated, when the shard has more. */
  lastKey?: string;
}

export interface Round<T> {
  /** Entries to list now, newest first. */
  taken: T[];
  /** Where the next round reads below (exclusive); undefined once the hour is done. */
  before?: string;
}

/**
 * Merges one round: an entry is listed only if no shard can still hold a newer one, i.e.
 * its key is at or above every unfinished shard's last evaluated key; at most `wanted`.
 * The next position is the last entry listed when some were left, else that bound
 * (everything above it is resolved). Progress needs each shard to have evaluated at
 * least one entry below the previous position (Limit >= 2 per Query: only one entry can
 * sit at the position itself).
 */
export function mergeRound<T>(reads: ShardRead<T>[], wanted: number, keyOf: (item: T) => string): Round<T> {
  if (wanted < 1) throw new RangeError('a round lists at least one entry');
  // Keys are ASCII (ISO times, ids): JavaScript's order is DynamoDB's byte order.
  const bound = reads
    .flatMap((r) => (r.lastKey === undefined ? [] : [r.lastKey]))
    .sort()
    .at(-1);
  const keyed = reads.flatMap((r) => r.items.map((item) => ({ item, key: keyOf(item) })));
  keyed.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const listable = bound === undefined ? keyed : keyed.filter((e) => e.key >= bound);
  const taken = listable.slice(0, wanted);
  if (taken.length < listable.length) return { taken: taken.map((e) => e.item), before: taken.at(-1)!.key };
  return { taken: taken.map((e) => e.item), ...(bound === undefined ? {} : { before: bound }) };
}

/** Where a listing stands: the hour being read, below which key in it, and its range. */
export interface TrailPosition {
  hour: string;
  before?: string;
  /** The range's oldest instant: the last hour read is its hour. */
  from: string;
}

/** One shard's entries of `hour` below `position.before` (or from its newest). */
export type ReadShard<T> = (
  hour: string,
  shard: number,
  before: string | undefined,
  limit: number,
) => Promise<ShardRead<T>>;

const HOUR_MS = 3_600_000;
/** `2026-04-11T08` -> `2026-04-11T07`. */
export const previousHour = (hour: string) =>
  new Date(Date.parse(`${hour}:00:00.000Z`) - HOUR_MS).toISOString().slice(0, 13);

/**
 * Up to `limit` entries from `start`, newest first: each round reads every shard of the
 * hour at once and merges them; an hour done, the previous one; at most `maxRounds`
 * rounds (a sparse range is walked over several pages). `next` is undefined only once
 * the range is exhausted.
 */
export async function walkTrail<T, P extends TrailPosition>(
  start: P,
  limit: number,
  options: { shards: number; maxRounds: number; perShard: (wanted: number) => number },
  read: ReadShard<T>,
  keyOf: (item: T) => string,
): Promise<{ found: T[]; next: P | undefined }> {
  const lowest = start.from.slice(0, 13);
  const found: T[] = [];
  let next: P | undefined = start;
  for (let rounds = 0; next && rounds < options.maxRounds && found.length < limit; rounds++) {
    const wanted = limit - found.length;
    const { hour, before } = next;
    // At least 2 a shard: see mergeRound.
    const perShard = Math.max(2, options.perShard(wanted));
    const reads = await Promise.all(
      Array.from({ length: options.shards }, (_, shard) => read(hour, shard, before, perShard)),
    );
    const round = mergeRound(reads, wanted, keyOf);
    found.push(...round.taken);
    const { before: _, ...rest } = next;
    if (round.before !== undefined) next = { ...rest, before: round.before } as P;
    else if (hour > lowest) next = { ...rest, hour: previousHour(hour) } as P;
    else next = undefined;
  }
  return { found, next };
}

import { createHash, randomInt } from 'node:crypto';

// The draw, as pure rules. Every applicant gets a draw key that anyone can recompute
// from the published seed and the applicant's id: SHA-256("<seed>:<accountId>"). The
// participants are the applicants with the smallest keys, so the result depends only
// on the seed and the set of eligible applicants, never on how the work was split.

/** 128 bits of SHA-256 in hex, then the id: unique, and ordered as strings. */
export function drawKey(seed: string, accountId: string): string {
  const hex = createHash('sha256').update(`${seed}:${accountId}`).digest('hex').slice(0, 32);
  return `${hex}#${accountId}`;
}

/** Index partitions of the draw: the key's first two hex digits, so a bucket's keys all
 *  sort below the next bucket's and the index can be walked in draw order. */
export const DRAW_BUCKETS = 256;
export const bucketOf = (key: string): number => Number.parseInt(key.slice(0, 2), 16);

export type Pool = 'priority' | 'general';

export interface Candidate {
  accountId: string;
  key: string;
  pool: Pool;
}

/**
 * The cut-off keys of a draw: `reserved` is the last key taken for the reserved quota
 * (priority pool only), `general` the last key taken by the lottery among everyone
 * else. An empty string takes nothing. Membership then needs only the applicant's own
 * key, which is what lets every segment decide its applicants on its own.
 */
export interface Cutoffs {
  reserved: string;
  general: string;
}

export function isReserved(c: Pick<Candidate, 'key' | 'pool'>, cut: Cutoffs): boolean {
  return c.pool === 'priority' && cut.reserved !== '' && c.key <= cut.reserved;
}

export function isSelected(c: Pick<Candidate, 'key' | 'pool'>, cut: Cutoffs): boolean {
  return isReserved(c, cut) || (cut.general !== '' && c.key <= cut.general);
}

/**
 * The reference draw over a whole list in memory: first the reserved quota among the
 * priority pool, then the rest of the quota among all who are left, smallest keys
 * first. The workflow computes the same cut-offs without holding the list; tests and
 * scripts/verify-draw.ts use this one to check it.
 */
export function referenceCutoffs(candidates: Candidate[], quota: number, reservedQuota: number): Cutoffs {
  const sorted = [...candidates].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const priority = sorted.filter((c) => c.pool === 'priority');
  const reservedTaken = priority.slice(0, Math.min(reservedQuota, quota, priority.length));
  const reserved = reservedTaken.at(-1)?.key ?? '';
  const cut = { reserved, general: '' };
  const rest = sorted.filter((c) => !isReserved(c, cut));
  const generalTaken = rest.slice(0, Math.max(0, quota - reservedTaken.length));
  return { reserved, general: generalTaken.at(-1)?.key ?? '' };
}

/** The order in which the members of one family card (KK) keep their places when more
 *  of them are eligible than the cap allows: the priority list first, then the draw. */
export const familyRank = (c: Pick<Candidate, 'key' | 'pool'>): string =>
  `${c.pool === 'priority' ? '0' : '1'}${c.key}`;

/** At most this many participants per KK, across all waves (DOMAIN.md). */
export const KK_CAP = 2;

/**
 * Which of one family's screened-in members keep its `free` places: the best ranks, after
 * any a resumed run already decided eligible (what was decided stands). Every member of a
 * card is screened in one page, so this needs nothing but the family itself.
 */
export function familyPlaces<T extends Pick<Candidate, 'key' | 'pool'> & { kept?: boolean }>(
  members: T[],
  free: number,
): Set<T> {
  const order = (m: T) => `${m.kept ? '0' : '1'}${familyRank(m)}`;
  const ranked = [...members].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return new Set(ranked.slice(0, Math.max(0, free)));
}

/** Eligible applicants per pool and draw bucket: what the cut walks instead of the keys. */
export type Histogram = Record<Pool, number[]>;

export const emptyHistogram = (): Histogram => ({
  priority: new Array(DRAW_BUCKETS).fill(0),
  general: new Array(DRAW_BUCKETS).fill(0),
});

export function addHistogram(into: Histogram, more: Histogram): Histogram {
  for (const pool of ['priority', 'general'] as const)
    for (let b = 0; b < DRAW_BUCKETS; b++) into[pool][b]! += more[pool][b] ?? 0;
  return into;
}

/**
 * The cut-offs of `referenceCutoffs`, found from the histogram and the keys of at most
 * two buckets: walk the buckets in key order until the reserved quota (priority pool),
 * then the rest of the quota (everyone left), is crossed, and read that bucket's keys
 * (`keysOf`, both pools) for the exact last key taken.
 */
export async function cutoffsFromHistogram(
  histogram: Histogram,
  quota: number,
  reservedQuota: number,
  keysOf: (bucket: number) => Promise<Candidate[]>,
): Promise<Cutoffs> {
  const loaded = new Map<number, Candidate[]>();
  const bucket = async (b: number) => {
    if (!loaded.has(b))
      loaded.set(
        b,
        [...(await keysOf(b))].sort((x, y) => (x.key < y.key ? -1 : 1)),
      );
    return loaded.get(b)!;
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const priorityTotal = sum(histogram.priority);
  const total = priorityTotal + sum(histogram.general);

  const reservedCount = Math.min(reservedQuota, quota, priorityTotal);
  const cut: Cutoffs = { reserved: '', general: '' };
  let reservedBucket = -1;
  if (reservedCount > 0) {
    let before = 0;
    reservedBucket = 0;
    while (before + histogram.priority[reservedBucket]! < reservedCount)
      before += histogram.priority[reservedBucket++]!;
    const priority = (await bucket(reservedBucket)).filter((c) => c.pool === 'priority');
    cut.reserved = priority[reservedCount - before - 1]!.key;
  }

  const generalCount = Math.min(quota - reservedCount, total - reservedCount);
  if (generalCount <= 0) return cut;
  let taken = 0;
  for (let b = 0; b < DRAW_BUCKETS; b++) {
    // Everyone not taken by the reserved quota: the reserved bucket's priority keys after
    // the reserved cut-off count here, those before it do not.
    const left =
      b === reservedBucket
        ? (await bucket(b)).filter((c) => !isReserved(c, cut)).length
        : histogram.general[b]! + (b < reservedBucket ? 0 : histogram.priority[b]!);
    if (taken + left < generalCount) {
      taken += left;
      continue;
    }
    const rest = (await bucket(b)).filter((c) => !isReserved(c, cut));
    cut.general = rest[generalCount - taken - 1]!.key;
    return cut;
  }
  throw new Error('the draw holds fewer keys than its histogram');
}

/** Luhn check digit of a string of digits. */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidCardNumber(card: string): boolean {
  return /^\d{16}$/.test(card) && luhnDigit(card.slice(0, 15)) === Number(card[15]);
}

/** A fresh 16-digit card number: the programme's prefix, 11 random digits, a Luhn digit.
 *  Uniqueness is enforced by a marker item where it is issued. */
export const CARD_PREFIX = '5890';
export function newCardNumber(): string {
  let body = CARD_PREFIX;
  while (body.length < 15) body += String(randomInt(10));
  return body + String(luhnDigit(body));
}

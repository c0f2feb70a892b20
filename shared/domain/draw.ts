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

/** The `free` best of a family's candidates, given the ranks kept so far and a newcomer. */
export function keepFamilyPlaces(kept: string[], newcomer: string, free: number): string[] {
  return [...new Set([...kept, newcomer])].sort().slice(0, Math.max(0, free));
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

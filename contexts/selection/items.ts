import type { Cutoffs, Histogram, Pool } from '#contexts/selection/rules/draw.ts';
import { item } from '#platform/store/item.ts';
import { shardOf } from '#platform/store/shard.ts';

// The selection context's items: selection records, the draw's pages and tallies, the
// quota pool, outcomes and the participants it issues (with their cards).

/** Participants who have not bought a first course (GSI1), by deadline. */
export const purchaseDuePartition = (shard: number) => `PURCHASE-DUE#${shard}`;

// A wave's selection, as the record administrators read. One selection runs at a time
// (a lock item, taken with the wave's move to SELECTING): the family-card cap counts
// participants across waves, and two draws filling one family at once could not both
// be exact. A failed run keeps the lock and its seed: it is resumed, never redrawn.
export type SelectionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface SelectionCounts {
  applicants: number;
  eligible: number;
  priorityEligible: number;
  selected: number;
  reservedSelected: number;
  notSelected: number;
  excludedByReason: Record<string, number>;
}

export interface SelectionRecord {
  waveId: string;
  seed: string;
  segments: number;
  status: SelectionStatus;
  /** The execution's name (`<waveId>-<attempt>`) and ARN. */
  executionId: string;
  executionArn: string;
  attempt: number;
  startedAt: string;
  startedBy: string;
  finishedAt?: string;
  error?: string;
  cutoffs?: Cutoffs;
  counts?: SelectionCounts;
}

/** A selection's decision on one applicant (the outcome item, store/items.ts). */
export interface Outcome {
  accountId: string;
  waveId: string;
  outcome: 'SELECTED' | 'NOT_SELECTED';
  pool: Pool;
  eligible: boolean;
  reason?: string;
  decidedAt: string;
  /** A not-selected applicant's notice rides on the item: the outbox sender, fed by the
   *  table's stream, mails it when the item is first written (one write, not two). */
  notice?: { to: string; waveName: string };
}

export type Counts = Record<string, number>;

export interface DrawPage {
  /** Excluded applicants: account id -> pool code and reason (`gkk-cap`). */
  excluded: Record<string, string>;
  /** Eligible applicants per bucket attribute: pool code and account id, space-separated. */
  [bucket: `b${string}`]: string;
}

export interface DrawSummary {
  counts: Counts;
  histogram: Histogram;
}

export interface QuotaPool {
  availablePlaces: number;
  revokedPlaces: number;
  drawnPlaces: number;
  returnedIdr: number;
}

export interface Participant {
  accountId: string;
  waveId: string;
  cardNumber: string;
  balanceIdr: number;
  status: 'ACTIVE' | 'REVOKED';
  selectedAt: string;
  purchaseDeadline: string;
  nikHash: string;
  email: string;
  phone: string;
  pool: Pool;
}

/** The stored participant: what purchases and reviews have written on it since. */
export interface ParticipantItem extends Participant {
  /** A paid course not yet completed: no second purchase beside it. */
  activePurchase?: string;
  firstPurchaseAt?: string;
  completedCourses?: number;
  incentivesScheduledAt?: string;
  revokedAt?: string;
}

/** Participants who have not bought a first course sit in GSI1 in this many shards. */
export const DEADLINE_SHARDS = 16;

/** The selection's decision on an application: in no index, written once by the announce
 *  step (a not-drawn one in a batch, a drawn one in the issuing transaction). */
export const outcome = item<Outcome>()({
  type: 'Outcome',
  key: ({ accountId, waveId }: { accountId: string; waveId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `OUTCOME#${waveId}`,
  }),
});

export const participant = item<ParticipantItem>()({
  type: 'Participant',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PARTICIPANT' }),
  indexes: (p) => ({
    GSI1PK: purchaseDuePartition(shardOf(p.accountId, DEADLINE_SHARDS)),
    GSI1SK: `${p.purchaseDeadline}#${p.accountId}`,
  }),
});

export const card = item<{ accountId: string }>()({
  type: 'Card',
  key: ({ cardNumber }: { cardNumber: string }) => ({ PK: `CARD#${cardNumber}`, SK: 'CARD' }),
});

/** How many participants a family card (KK) has had, across all waves, and who
 *  (`<waveId>#<accountId>`): a resumed selection tells its own wave's from earlier ones. */
export const familyCard = item<{ participants: number; members?: Set<string> }>()({
  type: 'Family',
  key: ({ kkHash }: { kkHash: string }) => ({ PK: `KK#${kkHash}`, SK: 'PARTICIPANTS' }),
  untagged: true,
});

export const selection = item<SelectionRecord>()({
  type: 'Selection',
  key: ({ waveId }: { waveId: string }) => ({ PK: `WAVE#${waveId}`, SK: 'SELECTION' }),
});

/** Held by the one selection that may run at a time (see store/selection.ts). */
export const selectionLock = item<{ waveId: string; since: string }>()({
  type: 'Lock',
  key: (_: Record<string, never>) => ({ PK: 'LOCK#SELECTION', SK: 'LOCK' }),
});

/** One screened page of a selection run: who of it is eligible, by draw bucket, and why
 *  the others are not. The cut reads only the boundary buckets' attributes of these. */
export const drawPage = item<DrawPage>()({
  type: 'DrawPage',
  key: ({ waveId, run, segment, page }: { waveId: string; run: string; segment: string; page: string }) => ({
    PK: `DRAW#${waveId}#${run}#${segment}`,
    SK: `PAGE#${page}`,
  }),
});

/** A segment's screening tally: counts and the eligible per pool and draw bucket. */
export const drawSummary = item<DrawSummary>()({
  type: 'DrawSummary',
  key: ({ waveId, run, segment }: { waveId: string; run: string; segment: string }) => ({
    PK: `DRAW#${waveId}#${run}#${segment}`,
    SK: 'SUMMARY',
  }),
});

export const quotaPool = item<Partial<QuotaPool>>()({
  type: 'QuotaPool',
  key: ({ shard }: { shard: number }) => ({ PK: 'QUOTAPOOL', SK: `SHARD#${shard}` }),
  untagged: true,
});

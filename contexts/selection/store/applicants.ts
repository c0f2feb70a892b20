import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type Outcome, outcome } from '#contexts/selection/items.ts';
import {
  APPLICANT_SHARDS,
  type Application,
  applicantsPartition,
  application,
  familyPrefix,
} from '#contexts/waves/items.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';

// A wave's applicants, split for parallel work. The applicant index has 16 shard
// partitions; each is cut again by the first hex digit of its sort key, so there are
// 256 slices. Both come from the family card's hash (items.ts `applicantSlot`): a card's
// members are in one slice, side by side. Segment s of S takes every slice j with j % S == s: any number
// of segments from 1 to 256 covers every applicant exactly once.
export const SLICES = APPLICANT_SHARDS * 16;
export const MAX_SEGMENTS = SLICES;

export interface SegmentCursor {
  /** Position in the segment's own list of slices. */
  slice: number;
  start?: Record<string, unknown>;
}

export function segmentSlices(segment: number, segments: number): { shard: number; prefix: string }[] {
  const slices = [];
  for (let j = segment; j < SLICES; j += segments)
    slices.push({ shard: j >> 4, prefix: (j & 15).toString(16) });
  return slices;
}

/** The stored application: what the citizen brought at join time. Selection writes its
 *  decision to the outcome item beside it, never on it. */
export type ApplicationItem = Application;

/** The index key of an applicant's index entry: where a page reads on after it. */
const indexKey = (i: Record<string, unknown>) => ({ PK: i.PK, SK: i.SK, GSI2PK: i.GSI2PK, GSI2SK: i.GSI2SK });

/**
 * Up to `limit` applicants of one segment from where `cursor` stopped, going on across
 * the segment's slices, and where to go on (null when the segment is done). A page ends
 * with a whole family: when `limit` falls inside a slice, the page reads on to the last
 * member of its last family card (the index sorts a card's members together), so a page
 * may hold a few more than `limit`. Reads the applicant index, which holds what the
 * citizen brought at join time; selection writes nothing to it.
 */
export async function applicantPage(
  waveId: string,
  segment: number,
  segments: number,
  cursor: SegmentCursor,
  limit: number,
): Promise<{ items: ApplicationItem[]; next: SegmentCursor | null }> {
  const slices = segmentSlices(segment, segments);
  const raw: Record<string, unknown>[] = [];
  let at: SegmentCursor | null = cursor;
  const query = (pk: string, prefix: string, start: Record<string, unknown> | undefined, Limit?: number) =>
    db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ExclusiveStartKey: start,
        ...(Limit ? { Limit } : {}),
      }),
    );
  while (at && raw.length < limit) {
    const slice: { shard: number; prefix: string } | undefined = slices[at.slice];
    if (!slice) return { items: raw.map((i) => application.parse(i)), next: null };
    const pk = applicantsPartition(waveId, slice.shard);
    const out: QueryCommandOutput = await query(pk, slice.prefix, at.start, limit - raw.length);
    raw.push(...(out.Items ?? []));
    if (!out.LastEvaluatedKey) {
      at = at.slice + 1 < slices.length ? { slice: at.slice + 1 } : null;
      continue;
    }
    // Stopped inside the slice: read on to the end of the last family card.
    const last = application.parse(raw.at(-1)!);
    let start: Record<string, unknown> | undefined = out.LastEvaluatedKey;
    while (start) {
      const rest: QueryCommandOutput = await query(pk, familyPrefix(last.kkHash), start);
      raw.push(...(rest.Items ?? []));
      start = rest.LastEvaluatedKey;
    }
    at = { slice: at.slice, start: indexKey(raw.at(-1)!) };
  }
  return { items: raw.map((i) => application.parse(i)), next: at };
}

/** The selection's decisions on these applicants, by account id (read consistently). */
export async function readOutcomes(waveId: string, accountIds: string[]): Promise<Map<string, Outcome>> {
  const items = await getMany(
    accountIds.map((accountId) => outcome.key({ accountId, waveId })),
    { inFlight: 4 },
  );
  return new Map(items.map((i) => outcome.parse(i)).map((o) => [o.accountId, o]));
}

/** Runs `work` over `items` with at most `width` in flight: one page, bounded memory. */
export async function eachLimited<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

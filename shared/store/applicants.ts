import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { getMany } from '#shared/store/batch.ts';
import { db, tableName } from '#shared/store/client.ts';
import { APPLICANT_SHARDS, application, partitions } from '#shared/store/items.ts';
import type { Application } from '#shared/store/waves.ts';

// A wave's applicants, split for parallel work. The applicant index has 16 shard
// partitions; each is cut again by the first hex digit of the account id (a UUID), so
// there are 256 slices. Segment s of S takes every slice j with j % S == s: any number
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

/** The stored application: what the citizen brought at join time and what selection
 *  has written on it so far. */
export interface ApplicationItem extends Application {
  outcome: 'JOINED' | 'SELECTED' | 'NOT_SELECTED';
  drawKey?: string;
  priority?: boolean;
  screenReasons?: string[];
  /** Set once the family-card cap is settled: eligible for the draw, or why not. */
  eligible?: boolean;
  reason?: string;
}

/**
 * Up to `limit` applicants of one segment from where `cursor` stopped, going on across
 * the segment's slices, and where to go on (null when the segment is done). Reads the
 * applicant index, which holds what the citizen brought at join time; what selection
 * writes is read back with `readApplications`.
 */
export async function applicantPage(
  waveId: string,
  segment: number,
  segments: number,
  cursor: SegmentCursor,
  limit: number,
): Promise<{ items: ApplicationItem[]; next: SegmentCursor | null }> {
  const slices = segmentSlices(segment, segments);
  const items: ApplicationItem[] = [];
  let at: SegmentCursor | null = cursor;
  while (at && items.length < limit) {
    const slice: { shard: number; prefix: string } | undefined = slices[at.slice];
    if (!slice) return { items, next: null };
    const out: QueryCommandOutput = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': partitions.applicants(waveId, slice.shard),
          ':prefix': slice.prefix,
        },
        ExclusiveStartKey: at.start,
        Limit: limit - items.length,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => application.parse(i)));
    if (out.LastEvaluatedKey) at = { slice: at.slice, start: out.LastEvaluatedKey };
    else at = at.slice + 1 < slices.length ? { slice: at.slice + 1 } : null;
  }
  return { items, next: at };
}

/** The applications themselves, read consistently: an index lags its table, and each
 *  step must see what the step before wrote. */
export async function readApplications(waveId: string, accountIds: string[]): Promise<ApplicationItem[]> {
  const items = await getMany(accountIds.map((accountId) => application.key({ accountId, waveId })));
  return items.map((i) => application.parse(i));
}

/** Runs `work` over `items` with at most `width` in flight: one page, bounded memory. */
export async function eachLimited<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

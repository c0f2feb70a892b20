import { GetCommand, PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import {
  type DrawPage,
  type DrawSummary,
  drawPage,
  drawSummary,
  familyCard,
} from '#contexts/selection/items.ts';
import { type Candidate, drawKey, KK_CAP, type Pool } from '#contexts/selection/rules/draw.ts';
import { eachLimited } from '#contexts/selection/store/applicants.ts';
import { clock } from '#platform/clock.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';

// The draw's working state in the table, kept off the applications (and so off the
// applicant index): one page item per screened page, holding who of it is eligible
// grouped by draw bucket and why the others are not, and one summary per segment with
// its counts and histogram. Keys name the run (`attempt`), the segment and the page, so a
// retried page writes the same item again, and a resumed run never reads a stale one.

/** The working state outlives its selection by 30 days (the table's TTL removes it):
 *  the outcomes and the selection record are what stays. */
const expiresAtEpoch = () => Math.floor(clock.nowMs() / 1000) + 30 * 86_400;

/** A bucket's attribute on a page item: `b00` .. `bff`. */
export const bucketAttribute = (bucket: number) => `b${bucket.toString(16).padStart(2, '0')}`;
const POOL_CODE = { priority: 'p', general: 'g' } as const;
const poolOf = (code: string): Pool => (code === 'p' ? 'priority' : 'general');

/** A screened applicant: eligible with a pool, or excluded for a reason. */
export interface Screened {
  accountId: string;
  key: string;
  pool: Pool;
  reason?: string;
}

interface PageRef {
  waveId: string;
  run: number;
  segment: number;
  page: number;
}
const pageKey = (p: PageRef) =>
  drawPage.key({ waveId: p.waveId, run: String(p.run), segment: String(p.segment), page: String(p.page) });

export async function writeDrawPage(ref: PageRef, screened: Screened[]): Promise<void> {
  const page: DrawPage = { excluded: {} };
  for (const s of screened) {
    if (s.reason) page.excluded[s.accountId] = `${POOL_CODE[s.pool]}${s.reason}`;
    else {
      const name = `b${s.key.slice(0, 2)}` as const;
      page[name] = `${page[name] ? `${page[name]} ` : ''}${POOL_CODE[s.pool]}${s.accountId}`;
    }
  }
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...pageKey(ref), type: drawPage.type, ...page, expiresAtEpoch: expiresAtEpoch() },
    }),
  );
}

/** The page's screening, by account id, as the screen step wrote it: every applicant of
 *  the page is either excluded or in one bucket. */
export async function readDrawPage(ref: PageRef, seed: string): Promise<Map<string, Screened> | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: pageKey(ref), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const page = drawPage.parse(out.Item);
  const screened = new Map<string, Screened>();
  for (const [accountId, code] of Object.entries(page.excluded))
    screened.set(accountId, {
      accountId,
      key: drawKey(seed, accountId),
      pool: poolOf(code[0]!),
      reason: code.slice(1),
    });
  for (const [name, value] of Object.entries(page)) {
    if (!/^b[0-9a-f]{2}$/.test(name)) continue;
    for (const entry of String(value).split(' ')) {
      const accountId = entry.slice(1);
      screened.set(accountId, { accountId, key: drawKey(seed, accountId), pool: poolOf(entry[0]!) });
    }
  }
  return screened;
}

/**
 * The eligible of one draw bucket, over every page of the run: only that bucket's
 * attribute is returned (ProjectionExpression), so the cut reads a few hundredths of
 * the pages' bytes over the network.
 */
export async function bucketCandidates(
  waveId: string,
  run: number,
  segments: number,
  seed: string,
  bucket: number,
): Promise<Candidate[]> {
  const found: Candidate[] = [];
  await eachLimited(
    Array.from({ length: segments }, (_, s) => s),
    16,
    async (segment) => {
      const { PK, SKPrefix } = drawPage.partition({ waveId, run: String(run), segment: String(segment) });
      let start: Record<string, unknown> | undefined;
      do {
        const out: QueryCommandOutput = await db().send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :page)',
            ExpressionAttributeValues: { ':pk': PK, ':page': SKPrefix },
            ExpressionAttributeNames: { '#b': bucketAttribute(bucket) },
            ProjectionExpression: '#b',
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const value = item[bucketAttribute(bucket)];
          if (typeof value !== 'string') continue;
          for (const entry of value.split(' ')) {
            const accountId = entry.slice(1);
            found.push({ accountId, key: drawKey(seed, accountId), pool: poolOf(entry[0]!) });
          }
        }
        start = out.LastEvaluatedKey;
      } while (start);
    },
  );
  return found;
}

const summaryKey = (waveId: string, run: number, segment: number) =>
  drawSummary.key({ waveId, run: String(run), segment: String(segment) });

export async function writeDrawSummary(waveId: string, run: number, segment: number, summary: DrawSummary) {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...summaryKey(waveId, run, segment),
        type: drawSummary.type,
        ...summary,
        expiresAtEpoch: expiresAtEpoch(),
      },
    }),
  );
}

/** Every segment's summary of the run; throws if one is missing (its segment never finished). */
export async function readDrawSummaries(
  waveId: string,
  run: number,
  segments: number,
): Promise<DrawSummary[]> {
  const keys = Array.from({ length: segments }, (_, s) => summaryKey(waveId, run, s));
  const items = await getMany(keys);
  if (items.length !== segments) throw new Error(`${segments - items.length} segment summaries missing`);
  return items.map((i) => drawSummary.parse(i));
}

/**
 * Places each family card has left for this wave: the cap less its participants of
 * other waves. Participants this wave already issued (a resumed run) are not counted
 * against it: they are decided, and keep the places they took.
 */
export async function familyPlacesLeft(waveId: string, kkHashes: string[]): Promise<Map<string, number>> {
  const left = new Map(kkHashes.map((kk) => [kk, KK_CAP]));
  const items = await getMany(
    [...new Set(kkHashes)].map((kkHash) => familyCard.key({ kkHash })),
    { inFlight: 4 },
  );
  for (const item of items) {
    const card = familyCard.parse(item);
    const ours = [...(card.members ?? [])].filter((m) => m.startsWith(`${waveId}#`)).length;
    left.set(familyCard.partsOf(item).kkHash, KK_CAP - ((card.participants ?? 0) - ours));
  }
  return left;
}

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type ShardRead, walkTrail } from '#contexts/audit/rules/merge.ts';
import { type LedgerEntry, ledgerEntry } from '#contexts/ledger/items.ts';
import { type PayoutEntry, payoutEntry } from '#contexts/payouts/items.ts';
import { clock } from '#platform/clock.ts';
import { AUDIT_SHARDS, auditPartition, auditRecord, hourOf } from '#platform/items.ts';
import { db, tableName } from '#platform/store/client.ts';
import { InvalidCursor, sealCursor, startOf } from '#platform/store/cursor.ts';
import type { ItemType, RawItem } from '#platform/store/item.ts';

// The audit trail: every administrator action and every money movement, append-only,
// newest first. Two sources share one index (GSI1, 16 shards an hour
// `AUDIT#<yyyy-mm-ddThh>#<shard>`, sort key `<at>#<id>`, written by items.ts `auditIndex`):
// - audit records, one per action (the HTTP layer writes them for routes that declare
//   `audit`, store code with `auditPut` in the action's own transaction);
// - items that are audit facts themselves (ledger entries): listed without a second
//   write, mapped to the view by `auditViews`.
// Nothing here updates or deletes: a record is put on condition that it does not exist.

/** One line of `GET /v1/admin/audit`. */
export interface AuditView {
  at: string;
  actor: string;
  role: string;
  kind: string;
  subject: string;
  detail: Record<string, unknown>;
}

/** What a source item contributes to the view; `at`, `actor` and `kind` come from its
 *  audit index keys (items.ts `auditIndex`), which are their one statement. */
type ViewOf<T> = (value: T) => Pick<AuditView, 'role' | 'subject' | 'detail'>;

interface AuditSource {
  type: ItemType<unknown, unknown>;
  view: ViewOf<never>;
}

function source<T, K>(type: ItemType<T, K>, view: ViewOf<T>): AuditSource {
  // A registry of several item types: each entry's view only ever gets its own type's
  // values (`viewOf` parses with that very declaration).
  return { type: type as ItemType<unknown, unknown>, view: view as ViewOf<never> };
}

/**
 * The item types listed in the audit trail and how each reads. A new one (payout
 * ledger entries, ...) is one line here, plus `indexes: (v) => auditIndex(...)` on its
 * declaration in items.ts.
 */
export const auditViews: AuditSource[] = [
  source(auditRecord, (r) => ({ role: r.role, subject: r.subject, detail: r.detail })),
  source(ledgerEntry, (e: LedgerEntry) => ({
    role: 'system',
    subject: e.accountId,
    detail: {
      amountIdr: e.amountIdr,
      balanceAfterIdr: e.balanceAfterIdr,
      counterparty: e.counterparty,
      ...(e.waveId ? { waveId: e.waveId } : {}),
    },
  })),
  source(payoutEntry, (e: PayoutEntry) => ({
    role: 'payment',
    subject: e.accountId,
    detail: {
      amountIdr: e.amountIdr,
      runId: e.runId,
      instructionId: e.instructionId,
      partnerReference: e.partnerReference,
    },
  })),
];

function viewOf(raw: RawItem): AuditView | undefined {
  const entry = auditViews.find((s) => s.type.matches(raw));
  if (!entry) return undefined;
  const value = entry.type.parse(raw) as never;
  return {
    at: String(raw.GSI1SK).split('#')[0]!,
    actor: String(raw.auditActor),
    kind: String(raw.auditKind),
    ...entry.view(value),
  };
}

// --- reading ---------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** The default range: a month back from `to`. */
export const DEFAULT_RANGE_DAYS = 31;
/** The widest range one listing may walk. */
export const MAX_RANGE_DAYS = 366;
/** Rounds one request may make (a round queries every shard of one hour at once): a
 *  sparse range is walked over several pages, 48 hours a page at most. */
export const MAX_ROUNDS_PER_PAGE = 48;
/** Nothing is older than the programme: ranges start here at the earliest. */
const EARLIEST = Date.parse('2020-01-01T00:00:00.000Z');

export interface AuditFilter {
  actor?: string;
  kind?: string;
  /** ISO 8601 UTC. */
  from?: string;
  to?: string;
}

/** A range that the trail refuses to walk (answered as a validation problem on `path`). */
export class AuditRangeRefused extends Error {
  constructor(
    readonly path: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

const Hour = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/);
const AuditCursor = z.strictObject({
  /** The hour being read, and where in it: below this index sort key, in every shard
   *  (absent: from its newest item). */
  hour: Hour,
  before: z.string().min(1).max(600).optional(),
  // The listing the cursor belongs to: its range as first resolved, and its filters.
  from: z.string().max(30),
  to: z.string().max(30),
  actor: z.string().max(200).optional(),
  kind: z.string().max(100).optional(),
});
type AuditCursor = z.infer<typeof AuditCursor>;

/** The range a first page walks: `to` clamped to now, `from` a month before by default. */
function rangeOf(filter: AuditFilter): { from: string; to: string } | undefined {
  const now = clock.nowMs();
  const to = Math.min(filter.to ? Date.parse(filter.to) : now, now);
  const from = filter.from ? Date.parse(filter.from) : to - DEFAULT_RANGE_DAYS * DAY_MS;
  if (filter.from && filter.to && from > Date.parse(filter.to))
    throw new AuditRangeRefused('from', 'must not be after to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS)
    throw new AuditRangeRefused('from', `the range may span at most ${MAX_RANGE_DAYS} days`);
  const start = Math.max(from, EARLIEST);
  if (start > to) return undefined;
  return { from: new Date(start).toISOString(), to: new Date(to).toISOString() };
}

function filterOf(actor?: string, kind?: string) {
  const conditions: string[] = [];
  const values: Record<string, string> = {};
  if (actor !== undefined) {
    conditions.push('auditActor = :actor');
    values[':actor'] = actor;
  }
  if (kind !== undefined) {
    // `payout.` (or `payout`) matches `payout.paid`; `payout.paid` matches itself.
    conditions.push('(auditKind = :kind OR begins_with(auditKind, :kindPrefix))');
    values[':kind'] = kind;
    values[':kindPrefix'] = kind.endsWith('.') ? kind : `${kind}.`;
  }
  return conditions.length
    ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeValues: values }
    : { ExpressionAttributeValues: {} };
}

/** One shard's entries of `hour` below `before` (or from `to`), newest first. */
async function readShard(
  at: AuditCursor,
  hour: string,
  shard: number,
  before: string | undefined,
  limit: number,
): Promise<ShardRead<RawItem>> {
  const { FilterExpression, ExpressionAttributeValues } = filterOf(at.actor, at.kind);
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      // BETWEEN is inclusive: the entry at `before` (listed already) is dropped below.
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :upper',
      FilterExpression,
      ExpressionAttributeValues: {
        ...ExpressionAttributeValues,
        ':pk': auditPartition(hour, shard),
        ':from': at.from,
        // `$` sorts after `#`: every item of the last millisecond is inside.
        ':upper': before ?? `${at.to}$`,
      },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const items = (out.Items ?? []).filter((item) => item.GSI1SK !== before);
  const last = out.LastEvaluatedKey?.GSI1SK;
  return { items, ...(typeof last === 'string' ? { lastKey: last } : {}) };
}

/**
 * A page of the trail, newest first: walks the hours from `to` back to `from`, each
 * round reading every shard of one hour at once and merging them (rules/merge.ts), until
 * `limit` items are found or MAX_ROUNDS_PER_PAGE rounds were made. The cursor resumes
 * exactly (the hour, and the sort key below which it goes on), so a page may be short,
 * but `nextCursor` is null only once the range is exhausted. With a cursor, the range is
 * the cursor's; `actor` and `kind` must be the cursor's too (else InvalidCursor).
 */
export async function auditPage(
  filter: AuditFilter,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  let at: AuditCursor | undefined = await startOf('audit', cursor, AuditCursor);
  if (at && (at.actor !== filter.actor || at.kind !== filter.kind)) throw new InvalidCursor();
  if (!at) {
    const range = rangeOf(filter);
    if (!range) return { items: [], nextCursor: null };
    at = { hour: hourOf(range.to), ...range, actor: filter.actor, kind: filter.kind };
  }
  const filtered = at.actor !== undefined || at.kind !== undefined;
  const position = at;
  const { found, next } = await walkTrail(
    at,
    limit,
    {
      shards: AUDIT_SHARDS,
      maxRounds: MAX_ROUNDS_PER_PAGE,
      // An even share of what is missing, twice over, from each shard; filtered, more
      // per read, since the filter drops some.
      perShard: (wanted) => Math.max(Math.ceil((2 * wanted) / AUDIT_SHARDS) + 1, filtered ? 25 : 0),
    },
    (hour, shard, before, n) => readShard(position, hour, shard, before, n),
    (item) => String(item.GSI1SK),
  );
  const items = found.map(viewOf).filter((v): v is AuditView => v !== undefined);
  return { items, nextCursor: await sealCursor('audit', next) };
}

import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { emptyTally, type InstructionStatus, type RunStatus, type RunTally } from '#shared/domain/payouts.ts';
import { db, tableName } from '#shared/store/client.ts';
import { partitions, payoutBatch, payoutInstruction, payoutRun } from '#shared/store/items.ts';
import { queryAll } from '#shared/store/paginate.ts';

// Payout runs: the run item, one batch item per queue message (a partner's instructions,
// with the batch's tally), and the instructions in their batch's partition. The run's
// totals are the sum of its batches: no counter item that every settlement would hit.
export interface PayoutRun {
  runId: string;
  period: string;
  /** The last day paid up to (YYYY-MM-DD). */
  periodEnd: string;
  budgetIdr: number;
  /** What staging claimed so far: each claim is conditional on staying within the budget. */
  stagedIdr: number;
  status: RunStatus;
  createdBy: string;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  completedAt?: string;
  /** Incentives left due because claiming them would have passed the budget. */
  budgetReached?: boolean;
  totals?: RunTotals;
  reconciliation?: Reconciliation;
  /** Why a disbursing run handed instructions back (not in the run's view, which has no
   *  such field): `dead-letter: <partners>` (shared/payouts/dead-letter.ts). */
  reason?: string;
}

export interface PayoutBatch extends RunTally {
  /** Paid + failed: a tally write never lowers it (a slower duplicate cannot undo one). */
  settled: number;
  runId: string;
  batchId: string;
  partnerCode: string;
  stagedAt: string;
  updatedAt?: string;
  /** When the message's last delivery began (the dispatcher marks it before its work):
   *  what it leaves pending goes to the DLQ (shared/payouts/dead-letter.ts). */
  lastDeliveryAt?: string;
}

export interface PayoutInstruction {
  instructionId: string;
  runId: string;
  batchId: string;
  accountId: string;
  incentiveKind: 'incentive' | 'survey';
  incentiveN: number;
  dueDate: string;
  partnerCode: string;
  accountNumberSealed: string;
  accountNumberMasked: string;
  amountIdr: number;
  status: InstructionStatus;
  /** The incentive's last failed instruction (reference and partner), if any. */
  previous?: { reference: string; partnerCode: string };
  partnerReference?: string;
  /** When the partner says it paid, on its clock (its settlement report's day). */
  partnerPaidAt?: string;
  reason?: string;
  settledAt?: string;
}

export interface PayoutEntry {
  accountId: string;
  instructionId: string;
  runId: string;
  partnerCode: string;
  amountIdr: number;
  partnerReference: string;
  incentiveKind: string;
  incentiveN: number;
  at: string;
}

export type PartnerTotals = Record<string, RunTally>;
export interface RunTotals {
  all: RunTally;
  byPartner: PartnerTotals;
}

export interface Reconciliation {
  at: string;
  matched: number;
  missingAtPartner: number;
  unknownAtPartner: number;
  amountMismatches: number;
}

const runKey = (runId: string) => payoutRun.key({ runId });

export async function insertRun(run: PayoutRun): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: payoutRun.item(run),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getRun(runId: string): Promise<PayoutRun | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: runKey(runId), ConsistentRead: true }),
  );
  return payoutRun.parse(out.Item);
}

/** `SET #a = :a, ...` for each field, with its names and values. */
function setFields(fields: Record<string, unknown>) {
  const entries = Object.entries(fields);
  return {
    UpdateExpression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
  };
}

/** Moves the run from one status to the next; false when it was not in `from`. */
export async function moveRun(
  runId: string,
  from: RunStatus,
  to: RunStatus,
  set: Record<string, unknown> = {},
  extraCondition?: { expression: string; values: Record<string, unknown> },
): Promise<boolean> {
  const update = setFields({ ...set, status: to });
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: runKey(runId),
        ...update,
        ConditionExpression: `#status = :from${extraCondition ? ` AND ${extraCondition.expression}` : ''}`,
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ':from': from,
          ...extraCondition?.values,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function setRunFields(runId: string, set: Record<string, unknown>): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: runKey(runId),
      ...setFields(set),
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}

/** The run's batches, page by page from `start` (batch ids in order). */
export async function batchPage(runId: string, start?: Record<string, unknown>, limit = 500) {
  const { PK, SKPrefix } = payoutBatch.partition({ runId });
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
      ExpressionAttributeValues: { ':pk': PK, ':b': SKPrefix },
      ExclusiveStartKey: start,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return { batches: (out.Items ?? []).map((i) => payoutBatch.parse(i)), next: out.LastEvaluatedKey };
}

export async function allBatches(runId: string): Promise<PayoutBatch[]> {
  const { PK, SKPrefix } = payoutBatch.partition({ runId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
    ExpressionAttributeValues: { ':pk': PK, ':b': SKPrefix },
    ConsistentRead: true,
  });
  return items.map((i) => payoutBatch.parse(i));
}

/** The run's totals, all and per partner, summed from its batches. */
export function totalsOf(batches: PayoutBatch[]): RunTotals {
  const all = emptyTally();
  const byPartner: PartnerTotals = {};
  for (const b of batches) {
    const partner = byPartner[b.partnerCode] ?? emptyTally();
    byPartner[b.partnerCode] = partner;
    for (const key of Object.keys(all) as (keyof RunTally)[]) {
      all[key] += b[key];
      partner[key] += b[key];
    }
  }
  return { all, byPartner };
}

export async function batchInstructions(runId: string, batchId: string): Promise<PayoutInstruction[]> {
  const { PK, SKPrefix } = payoutInstruction.partition({ runId, batchId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :i)',
    ExpressionAttributeValues: { ':pk': PK, ':i': SKPrefix },
    ConsistentRead: true,
  });
  return items.map((i) => payoutInstruction.parse(i));
}

/** A batch's tally, from its instructions as they stand. */
export function tallyOf(instructions: PayoutInstruction[]): RunTally {
  const tally = emptyTally();
  for (const i of instructions) {
    tally.instructions++;
    tally.amountIdr += i.amountIdr;
    if (i.status === 'PAID') {
      tally.paid++;
      tally.paidIdr += i.amountIdr;
    } else if (i.status === 'FAILED') {
      tally.failed++;
      tally.failedIdr += i.amountIdr;
    } else tally.pending++;
  }
  return tally;
}

/** Writes the batch's tally as its instructions stand (a value, not an increment: a
 *  redelivered message writes the same numbers again). */
export async function writeBatchTally(
  batch: Pick<PayoutBatch, 'runId' | 'batchId'>,
  tally: RunTally,
  now: Date,
) {
  const settled = tally.paid + tally.failed;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: payoutBatch.key(batch),
        ...setFields({ ...tally, settled, updatedAt: now.toISOString() }),
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(#settled) OR #settled <= :settled)',
      }),
    );
  } catch (error) {
    // A newer tally is already there.
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** The batch's message is on its last delivery (the first mark stays). */
export async function markLastDelivery(batch: Pick<PayoutBatch, 'runId' | 'batchId'>, now: Date) {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: payoutBatch.key(batch),
      UpdateExpression: 'SET lastDeliveryAt = if_not_exists(lastDeliveryAt, :at)',
      ExpressionAttributeValues: { ':at': now.toISOString() },
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
}

/** Where a listing of a run's instructions stopped: in which batch, after which item. */
export interface InstructionPosition {
  batchId: string;
  after: string | null;
}

/** A run's instructions in batch order, `limit` at most, from `start`. */
export async function instructionsPage(runId: string, start: InstructionPosition | undefined, limit: number) {
  const { PK } = payoutBatch.partition({ runId });
  const from = start ? payoutBatch.key({ runId, batchId: start.batchId }).SK : 'BATCH#';
  const batches = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': PK, ':from': from, ':to': 'BATCH#\uffff' },
      ProjectionExpression: 'batchId',
      // Every batch holds at least one instruction: limit + 1 batches always fill a page.
      Limit: limit + 1,
    }),
  );
  const ids = (batches.Items ?? []).map((b) => String(b.batchId));
  const items: PayoutInstruction[] = [];
  for (const [n, batchId] of ids.entries()) {
    const { PK: partition } = payoutInstruction.partition({ runId, batchId });
    const after = n === 0 && start?.batchId === batchId ? start.after : null;
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(after ? { ':after': after } : {}) },
        Limit: limit - items.length,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => payoutInstruction.parse(i)));
    if (items.length >= limit) {
      const last = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.SK) : null;
      // The batch is done: the next page starts with the next batch (if any).
      const next: InstructionPosition | null = last
        ? { batchId, after: last }
        : ids[n + 1]
          ? { batchId: ids[n + 1]!, after: null }
          : null;
      return { items, next };
    }
  }
  const more = batches.LastEvaluatedKey ? String(batches.LastEvaluatedKey.SK).slice('BATCH#'.length) : null;
  return { items, next: more ? { batchId: more, after: '\uffff' } : null };
}

/** Runs, newest first (GSI1). */
export async function runsPage(start: Record<string, unknown> | undefined, limit: number) {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': partitions.payoutRuns },
      ScanIndexForward: false,
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return { items: (out.Items ?? []).map((i) => payoutRun.parse(i)), next: out.LastEvaluatedKey };
}

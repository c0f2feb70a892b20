import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type PartnerTotals,
  type PayoutBatch,
  type PayoutInstruction,
  type PayoutRun,
  payoutBatch,
  payoutInstruction,
  payoutPeriodMarker,
  payoutRun,
  payoutRunsPartition,
  type RunTotals,
} from '#contexts/payouts/items.ts';
import { emptyTally, type RunStatus, type RunTally } from '#contexts/payouts/rules/payouts.ts';
import { db, tableName } from '#platform/store/client.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

const runKey = (runId: string) => payoutRun.key({ runId });

/** The period already has a run that has not ended. */
export class RunOpenForPeriod extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} is open for the period`);
  }
}

/** The run and its period's marker in one transaction: of two creations at once for one
 *  period, one commits and the other finds the marker (RunOpenForPeriod, with its run). */
export async function insertRun(run: PayoutRun): Promise<void> {
  try {
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: payoutRun.item(run),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      labelled('period-open', {
        Put: {
          TableName: tableName(),
          Item: payoutPeriodMarker.item({ period: run.period, runId: run.runId }),
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }),
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'period-open')
      throw new RunOpenForPeriod(String(error.item?.runId ?? ''));
    throw error;
  }
}

/** The period's open run, if any. */
export async function openRunOf(period: string): Promise<string | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: payoutPeriodMarker.key({ period }), ConsistentRead: true }),
  );
  return payoutPeriodMarker.parse(out.Item)?.runId;
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

const ENDED: ReadonlySet<RunStatus> = new Set([
  'REJECTED',
  'CANCELLED',
  'COMPLETED',
  'COMPLETED_WITH_FAILURES',
]);

/**
 * Moves the run from one of `from` to `to` in one transaction with `also` (its audit
 * record); a move to an end releases the period's marker in it too. False when the run
 * was not in `from` (or failed `extraCondition`).
 */
export async function moveRunWith(
  run: Pick<PayoutRun, 'runId' | 'period'>,
  from: readonly RunStatus[],
  to: RunStatus,
  set: Record<string, unknown>,
  options: {
    also?: TransactItem[];
    extraCondition?: { expression: string; values: Record<string, unknown> };
  } = {},
): Promise<boolean> {
  const update = setFields({ ...set, status: to });
  const fromValues = Object.fromEntries(from.map((s, n) => [`:from${n}`, s]));
  const items: TransactItem[] = [
    labelled('run-moved', {
      Update: {
        TableName: tableName(),
        Key: runKey(run.runId),
        ...update,
        ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})${
          options.extraCondition ? ` AND ${options.extraCondition.expression}` : ''
        }`,
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ...fromValues,
          ...options.extraCondition?.values,
        },
      },
    }),
    ...(options.also ?? []),
  ];
  // Runs created before the markers have none: only the run's own marker is released.
  if (ENDED.has(to) && (await openRunOf(run.period)) === run.runId)
    items.push({
      Delete: {
        TableName: tableName(),
        Key: payoutPeriodMarker.key({ period: run.period }),
        ConditionExpression: 'runId = :run',
        ExpressionAttributeValues: { ':run': run.runId },
      },
    });
  try {
    await transact(items);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'run-moved') return false;
    throw error;
  }
}

/** The batch's instructions were handed back unsent, and why. */
export async function markBatchHandedBack(batch: Pick<PayoutBatch, 'runId' | 'batchId'>, reason: string) {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: payoutBatch.key(batch),
      UpdateExpression: 'SET handedBack = :reason',
      ExpressionAttributeValues: { ':reason': reason },
      ConditionExpression: 'attribute_exists(PK)',
    }),
  );
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
  const handedBack: Record<string, string> = {};
  for (const b of batches) {
    if (b.handedBack === 'partner-not-live') handedBack[b.partnerCode] = b.handedBack;
    const partner = byPartner[b.partnerCode] ?? emptyTally();
    byPartner[b.partnerCode] = partner;
    for (const key of Object.keys(all) as (keyof RunTally)[]) {
      all[key] += b[key];
      partner[key] += b[key];
    }
  }
  return { all, byPartner, ...(Object.keys(handedBack).length ? { handedBack } : {}) };
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
      ExpressionAttributeValues: { ':pk': payoutRunsPartition },
      ScanIndexForward: false,
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return { items: (out.Items ?? []).map((i) => payoutRun.parse(i)), next: out.LastEvaluatedKey };
}

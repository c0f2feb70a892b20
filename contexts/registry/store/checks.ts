import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  PENDING_APPLICANT_SHARDS,
  PENDING_SHARDS,
  pendingApplicant,
  pendingApplicantsPartition,
  pendingPartition,
  type RegistryCheck,
  registryCheck,
} from '#contexts/registry/items.ts';
import type { RegistryResult } from '#contexts/registry/port.ts';
import { REGISTRY_QUEUE } from '#contexts/registry/queues.ts';
import type { AnswerPlan, JoinCheckPlan } from '#contexts/registry/rules/pending.ts';
import { type CheckedIdentity, statusOf } from '#contexts/registry/rules/registry.ts';
import { sendBatch } from '#platform/queues-client.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import { countAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// The checks' reads and writes. A check is started inside the transaction that saves the
// profile (so a saved identity always has its check), sent to the queue after it, and
// found again by the sweep if that send never happened. Every write after the start is
// conditioned on the check being this one and still PENDING: a duplicate or stale
// delivery records nothing, and a check gets exactly one answer.

/** How long a PENDING check waits for its answer before the sweep sends it again. */
export const SWEEP_AFTER_MS = 10 * 60_000;

/** What the queue carries: no NIK, no name; the consumer reads them where they are kept. */
export interface CheckMessage {
  accountId: string;
  checkId: string;
}

/** For the profile's transaction: a new PENDING check of `identity` (replaces any other). */
export function startCheck(
  accountId: string,
  identity: CheckedIdentity,
  now: Date,
  waves?: Set<string>,
): { write: TransactItem; message: CheckMessage } {
  const check: RegistryCheck = {
    ...(waves?.size ? { waves } : {}),
    accountId,
    checkId: randomUUID(),
    nikHash: identity.nikHash,
    birthDate: identity.birthDate,
    status: 'PENDING',
    attempts: 0,
    requestedAt: now.toISOString(),
    sweepAt: new Date(now.getTime() + SWEEP_AFTER_MS).toISOString(),
  };
  return {
    write: { Put: { TableName: tableName(), Item: registryCheck.item(check) } },
    message: { accountId, checkId: check.checkId },
  };
}

/** Puts the checks on the registry's queue (the sweep resends what this never sent). */
export function enqueueChecks(messages: CheckMessage[]): Promise<void> {
  return sendBatch(REGISTRY_QUEUE, messages);
}

/**
 * What a join writes for the applicant's check (rules/pending.ts `joinPlan`), in the
 * join's transaction: a profile saved before checks existed gets its check, started
 * pending for this wave; a pending check gets the wave's marker. Either fails as
 * `check-moved` when the check is no longer as read (the join plans again). `message`:
 * the started check, to queue after the transaction (the sweep catches a lost send).
 */
export function joinCheckWrites(
  plan: JoinCheckPlan,
  accountId: string,
  waveId: string,
  identity: CheckedIdentity,
  now: Date,
): { writes: TransactItem[]; message?: CheckMessage } {
  if (plan.kind === 'none') return { writes: [] };
  const TableName = tableName();
  let checkWrite: TransactItem;
  let message: CheckMessage | undefined;
  if (plan.kind === 'start') {
    const started = startCheck(accountId, identity, now, new Set([waveId]));
    checkWrite = { Put: { ...started.write.Put!, ConditionExpression: 'attribute_not_exists(PK)' } };
    message = started.message;
  } else {
    checkWrite = {
      Update: {
        TableName,
        Key: registryCheck.key({ accountId }),
        UpdateExpression: 'ADD waves :wave',
        ConditionExpression: stillThisCheck.ConditionExpression,
        ExpressionAttributeNames: stillThisCheck.names,
        ExpressionAttributeValues: { ':wave': new Set([waveId]), ':id': plan.checkId, ':pending': 'PENDING' },
      },
    };
  }
  const checkId = message?.checkId ?? (plan.kind === 'mark' ? plan.checkId : '');
  const marker = pendingApplicant.item({ accountId, waveId, checkId, since: now.toISOString() });
  return {
    writes: [labelled('check-moved', checkWrite), { Put: { TableName, Item: marker } }],
    ...(message ? { message } : {}),
  };
}

/** The wave's applicants whose check pends: its markers, counted on their index shards.
 *  Reads only the markers (none once the checks are in), never the wave's applicants. */
export async function countPendingApplicants(waveId: string): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: PENDING_APPLICANT_SHARDS }, (_, shard) =>
      countAll({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pendingApplicantsPartition(waveId, shard) },
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export async function readCheck(accountId: string): Promise<RegistryCheck | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: registryCheck.key({ accountId }), ConsistentRead: true }),
  );
  return registryCheck.parse(out.Item);
}

/** The checks of these accounts, by account id (the draw's screening reads a page's). */
export async function checksOf(accountIds: string[]): Promise<Map<string, RegistryCheck>> {
  // Eventually consistent (half the read units of the draw's largest read): the checks are
  // answered before the wave closes, and a read that lags can only show a check still
  // PENDING (left out: never drawn unchecked), never a VERIFIED it is not; screening also
  // compares the check's identity with the application's.
  const items = await getMany(
    accountIds.map((accountId) => registryCheck.key({ accountId })),
    { consistent: false, inFlight: 4 },
  );
  return new Map(items.map((i) => registryCheck.parse(i)).map((c) => [c.accountId, c]));
}

const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

const stillThisCheck = {
  ConditionExpression: 'checkId = :id AND #status = :pending',
  names: { '#status': 'status' },
};

/**
 * Records the registry's answer and deletes the markers of the waves the check pended
 * for (rules/pending.ts `answerPlan`), in one transaction. 'recorded'; 'moved' when a
 * join added a wave since the check was read (read it again and plan again); 'stale'
 * when the check was already answered or replaced.
 */
export async function recordAnswer(
  message: CheckMessage,
  plan: AnswerPlan,
  result: RegistryResult,
  now: Date,
): Promise<'recorded' | 'moved' | 'stale'> {
  const TableName = tableName();
  const waves = plan.wavesSeen === 0 ? 'attribute_not_exists(waves)' : 'size(waves) = :n';
  try {
    await transact([
      labelled('check', {
        Update: {
          TableName,
          Key: registryCheck.key(message),
          UpdateExpression:
            'SET #status = :status, #result = :result, checkedAt = :now, lastTriedAt = :now ADD attempts :one REMOVE GSI1PK, GSI1SK, sweepAt, lastError, waves',
          ConditionExpression: `${stillThisCheck.ConditionExpression} AND ${waves}`,
          ExpressionAttributeNames: { ...stillThisCheck.names, '#result': 'result' },
          ExpressionAttributeValues: {
            ':id': message.checkId,
            ':pending': 'PENDING',
            ':status': statusOf(result),
            ':result': result,
            ':now': now.toISOString(),
            ':one': 1,
            ...(plan.wavesSeen ? { ':n': plan.wavesSeen } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }),
      ...plan.release.map(
        (waveId): TransactItem => ({
          Delete: { TableName, Key: pendingApplicant.key({ accountId: message.accountId, waveId }) },
        }),
      ),
    ]);
    return 'recorded';
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    const current = registryCheck.parse(error.item);
    return current?.checkId === message.checkId && current.status === 'PENDING' ? 'moved' : 'stale';
  }
}

/** Counts a call that got no answer; the sweep's next look moves on with the backoff. */
export async function recordMiss(message: CheckMessage, reason: string, now: Date, retryInMs: number) {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registryCheck.key(message),
        // The sweep must not resend what the queue will deliver again anyway: its next
        // look comes after the redelivery, plus the sweep's own margin.
        UpdateExpression:
          'SET lastTriedAt = :now, lastError = :reason, sweepAt = :sweepAt, GSI1SK = :sweepAt ADD attempts :one',
        ConditionExpression: stillThisCheck.ConditionExpression,
        ExpressionAttributeNames: stillThisCheck.names,
        ExpressionAttributeValues: {
          ':id': message.checkId,
          ':pending': 'PENDING',
          ':now': now.toISOString(),
          ':reason': reason,
          ':sweepAt': new Date(now.getTime() + retryInMs + SWEEP_AFTER_MS).toISOString(),
          ':one': 1,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** PENDING checks whose sweep time has passed, per shard of the index (at most `limit`). */
export async function overdueChecks(now: Date, limit: number): Promise<CheckMessage[]> {
  const out: CheckMessage[] = [];
  for (let shard = 0; shard < PENDING_SHARDS && out.length < limit; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :now',
          ExpressionAttributeValues: { ':pk': pendingPartition(shard), ':now': now.toISOString() },
          ExclusiveStartKey: start,
          Limit: limit - out.length,
        }),
      );
      for (const raw of page.Items ?? []) {
        const check = registryCheck.parse(raw);
        out.push({ accountId: check.accountId, checkId: check.checkId });
      }
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
  }
  return out;
}

/** Moves a resent check's next sweep on, so one sweep does not resend it again next time. */
export async function postponeSweep(message: CheckMessage, now: Date): Promise<void> {
  const sweepAt = new Date(now.getTime() + SWEEP_AFTER_MS).toISOString();
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registryCheck.key(message),
        UpdateExpression: 'SET sweepAt = :sweepAt, GSI1SK = :sweepAt',
        ConditionExpression: stillThisCheck.ConditionExpression,
        ExpressionAttributeNames: stillThisCheck.names,
        ExpressionAttributeValues: { ':id': message.checkId, ':pending': 'PENDING', ':sweepAt': sweepAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

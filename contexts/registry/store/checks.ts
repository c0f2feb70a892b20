import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  PENDING_SHARDS,
  pendingPartition,
  type RegistryCheck,
  registryCheck,
} from '#contexts/registry/items.ts';
import type { RegistryResult } from '#contexts/registry/port.ts';
import { REGISTRY_QUEUE } from '#contexts/registry/queues.ts';
import { type CheckedIdentity, statusOf } from '#contexts/registry/rules/registry.ts';
import { logger } from '#platform/logger.ts';
import { sendBatch } from '#platform/queues-client.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { TransactItem } from '#platform/store/transact.ts';

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
): { write: TransactItem; message: CheckMessage } {
  const check: RegistryCheck = {
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
 * Starts the check of a profile that has none (saved before the registry's check
 * existed), unless one was started meanwhile; then queues it. The sweep catches a lost send.
 */
export async function startMissingCheck(
  accountId: string,
  identity: CheckedIdentity,
  now: Date,
): Promise<void> {
  const { write, message } = startCheck(accountId, identity, now);
  try {
    await db().send(new PutCommand({ ...write.Put!, ConditionExpression: 'attribute_not_exists(PK)' }));
  } catch (error) {
    if (isConditionFailure(error)) return;
    throw error;
  }
  await enqueueChecks([message]).catch((error: Error) =>
    logger.error('registry check not queued', { accountId, error: error.name }),
  );
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

/** Records the registry's answer; false when the check was already answered or replaced. */
export async function recordAnswer(
  message: CheckMessage,
  result: RegistryResult,
  now: Date,
): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registryCheck.key(message),
        UpdateExpression:
          'SET #status = :status, #result = :result, checkedAt = :now, lastTriedAt = :now ADD attempts :one REMOVE GSI1PK, GSI1SK, sweepAt, lastError',
        ConditionExpression: stillThisCheck.ConditionExpression,
        ExpressionAttributeNames: { ...stillThisCheck.names, '#result': 'result' },
        ExpressionAttributeValues: {
          ':id': message.checkId,
          ':pending': 'PENDING',
          ':status': statusOf(result),
          ':result': result,
          ':now': now.toISOString(),
          ':one': 1,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
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

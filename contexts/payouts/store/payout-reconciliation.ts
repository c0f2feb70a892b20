import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { payoutRun, type Reconciliation } from '#contexts/payouts/items.ts';
import { auditPut } from '#platform/audit.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, transact } from '#platform/store/transact.ts';

// The run's `reconciliation` field while the workflow reconciles a large run: one attempt
// at a time (its start time is its id), and only that attempt's last step writes its result.

/** Marks the run RUNNING as `startedAt`; false when another attempt runs and is not stale. */
export async function startReconciliation(runId: string, startedAt: string, staleBefore: string) {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: payoutRun.key({ runId }),
        UpdateExpression: 'SET reconciliation = :r',
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(reconciliation.#s) OR reconciliation.#s <> :running OR reconciliation.startedAt < :stale)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':r': { status: 'RUNNING', startedAt } satisfies Reconciliation,
          ':running': 'RUNNING',
          ':stale': staleBefore,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * The attempt's result (DONE or FAILED) with its audit record, in one transaction on
 * condition the attempt still runs: a retried last step, or an attempt a later one
 * replaced, writes nothing (false).
 */
export async function endReconciliation(runId: string, startedAt: string, result: Reconciliation) {
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: payoutRun.key({ runId }),
          UpdateExpression: 'SET reconciliation = :r',
          ConditionExpression: 'reconciliation.startedAt = :started AND reconciliation.#s = :running',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':r': { ...result, startedAt },
            ':started': startedAt,
            ':running': 'RUNNING',
          },
        },
      },
      auditPut({
        actor: 'system',
        role: 'system',
        kind: result.status === 'DONE' ? 'payout-run.reconciled' : 'payout-run.reconciliation-failed',
        subject: runId,
        detail: {
          matched: result.matched ?? null,
          missingAtPartner: result.missingAtPartner ?? null,
          unknownAtPartner: result.unknownAtPartner ?? null,
          amountMismatches: result.amountMismatches ?? null,
          ...(result.error ? { error: result.error.slice(0, 200) } : {}),
        },
      }),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

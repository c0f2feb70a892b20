import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from '#shared/store/client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Thrown when the item at `index` failed its condition: the caller maps it to a refusal.
 *  `item` is that item as it stood, when the transaction item asked for it
 *  (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`): why it failed, without a read. */
export class ConditionFailed extends Error {
  constructor(
    readonly index: number,
    readonly item?: Record<string, unknown>,
  ) {
    super(`condition failed on transaction item ${index}`);
  }
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Writes all items or none. A failed condition is reported with the index of the item,
 * so callers can tell "email taken" from "phone taken". Conflicts with a concurrent
 * transaction on the same items are retried with jittered backoff: they are not answers.
 */
export async function transact(items: TransactItem[], token?: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const old = reasons[failed]?.Item;
        throw new ConditionFailed(failed, old ? unmarshall(old) : undefined);
      }
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
      if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

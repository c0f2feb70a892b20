import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from '#platform/store/client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Thrown when an item failed its condition: the caller maps its `label` (see `labelled`)
 *  to a refusal. `item` is that item as it stood, when the transaction item asked for it
 *  (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`): why it failed, without a read. */
export class ConditionFailed extends Error {
  constructor(
    readonly label: string | undefined,
    readonly item?: Record<string, unknown>,
    position?: number,
  ) {
    super(`condition failed on transaction item ${label ?? position}`);
  }
}

const labels = new WeakMap<TransactItem, string>();

/** Names a transaction item, so a refusal is decided by which item failed, not by where it
 *  stands in the list: reordering or inserting items cannot change what a refusal means. */
export function labelled(label: string, item: TransactItem): TransactItem {
  labels.set(item, label);
  return item;
}

/**
 * An item whose failed condition is its own answer, whichever transaction it was added
 * to (e.g. an Idempotency-Key record: "this key was used"): the transaction throws
 * `failed(...)` instead of ConditionFailed, so the store function it was handed to lets
 * it through untouched, and `committed` is called when the transaction commits.
 */
export interface Guard {
  /** `old` is the item as it was (when its write asked for ALL_OLD on failure). */
  failed(old: Record<string, unknown> | undefined): Error;
  committed?(): void;
}

const guards = new WeakMap<TransactItem, Guard>();

export function guarded(item: TransactItem, guard: Guard): TransactItem {
  guards.set(item, guard);
  return item;
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Writes all items or none. A failed condition is reported with the item's label,
 * so callers can tell "email taken" from "phone taken" (a guarded item's failure first,
 * as its own error). Conflicts with a concurrent transaction on the same items are
 * retried with jittered backoff: they are not answers.
 */
export async function transact(items: TransactItem[], token?: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      for (const item of items) guards.get(item)?.committed?.();
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedAt = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      const oldAt = (i: number) => {
        const old = reasons[i]?.Item;
        return old ? unmarshall(old) : undefined;
      };
      for (const i of failedAt) {
        const guard = items[i] && guards.get(items[i]);
        if (guard) throw guard.failed(oldAt(i));
      }
      const first = failedAt[0];
      if (first !== undefined)
        throw new ConditionFailed(items[first] && labels.get(items[first]), oldAt(first), first);
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
      if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

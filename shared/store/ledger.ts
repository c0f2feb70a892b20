import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/store/client.ts';
import { keys } from '#shared/store/keys.ts';
import type { TransactItem } from '#shared/store/transact.ts';

// The ledger: every movement of a participant's balance is an entry written in the
// same transaction as the balance change, so the balance always equals the sum of the
// entries. The counterparty of a credit or a revocation is the state treasury.
export type LedgerKind = 'training-credit' | 'revocation' | 'purchase' | 'purchase-refund';

export interface LedgerEntry {
  accountId: string;
  entryId: string;
  kind: LedgerKind;
  /** Signed: positive credits the participant, negative debits. */
  amountIdr: number;
  balanceAfterIdr: number;
  counterparty: string;
  at: string;
  waveId?: string;
}

/** An entry whose id says what it is for, so the same movement cannot be written twice. */
export function ledgerPut(entry: LedgerEntry): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.ledger(entry.accountId, entry.entryId), type: 'LedgerEntry', ...entry },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export async function ledgerOf(accountId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ledger)',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':ledger': 'LEDGER#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    entries.push(...((out.Items ?? []) as LedgerEntry[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return entries;
}

import { tableName } from '#shared/store/client.ts';
import { ledgerEntry } from '#shared/store/items.ts';
import { queryAll } from '#shared/store/paginate.ts';
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
      Item: ledgerEntry.item(entry),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export async function ledgerOf(accountId: string): Promise<LedgerEntry[]> {
  const { PK, SKPrefix } = ledgerEntry.partition({ accountId });
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ledger)',
    ExpressionAttributeValues: { ':pk': PK, ':ledger': SKPrefix },
    ConsistentRead: true,
  });
  return items.map((i) => ledgerEntry.parse(i));
}

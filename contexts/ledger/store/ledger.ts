import { type LedgerEntry, ledgerEntry } from '#contexts/ledger/items.ts';
import { tableName } from '#platform/store/client.ts';
import { queryAll } from '#platform/store/paginate.ts';
import type { TransactItem } from '#platform/store/transact.ts';

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

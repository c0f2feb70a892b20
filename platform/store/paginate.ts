import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#platform/store/client.ts';
import type { RawItem } from '#platform/store/item.ts';

type Query = Omit<QueryCommandInput, 'TableName'>;

/** Every page of a Query, from its ExclusiveStartKey (if any) to the last. A caller
 *  that has seen enough simply stops iterating: no further page is read. */
export async function* pages(query: Query): AsyncGenerator<QueryCommandOutput> {
  let start = query.ExclusiveStartKey;
  do {
    const out = await db().send(
      new QueryCommand({ ...query, TableName: tableName(), ExclusiveStartKey: start }),
    );
    yield out;
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every item a Query finds, over all its pages. */
export async function queryAll(query: Query): Promise<RawItem[]> {
  const items: RawItem[] = [];
  for await (const page of pages(query)) items.push(...(page.Items ?? []));
  return items;
}

/** How many items a Query finds (Select COUNT reads no attributes), over all its pages. */
export async function countAll(query: Query): Promise<number> {
  let count = 0;
  for await (const page of pages({ ...query, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}

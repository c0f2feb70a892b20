import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/store/client.ts';
import type { Key, RawItem } from '#shared/store/item.ts';

/** Items by key, read consistently, 100 to a request, unprocessed keys retried with
 *  backoff; absent items are left out. */
export async function getMany(keyList: Key[]): Promise<RawItem[]> {
  const found: RawItem[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100);
    for (let attempt = 0; request?.length; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
      const out: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: request, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[tableName()] ?? []));
      request = out.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

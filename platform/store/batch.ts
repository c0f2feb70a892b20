import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#platform/store/client.ts';
import type { Key, RawItem } from '#platform/store/item.ts';

const MAX_TRIES = 8;
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));

/** `work` over `chunks`, at most `width` at a time. */
async function eachChunk<T>(chunks: T[], width: number, work: (chunk: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await work(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, chunks.length) }, worker));
}

function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Items by key, 100 to a request (a few requests in flight with `inFlight`), read
 *  consistently unless told otherwise, unprocessed keys retried with backoff; absent
 *  items are left out. */
export async function getMany(
  keyList: Key[],
  options: { consistent?: boolean; inFlight?: number; projection?: string } = {},
): Promise<RawItem[]> {
  const found: RawItem[] = [];
  const { consistent = true, inFlight = 1, projection } = options;
  await eachChunk(chunked(keyList, 100), inFlight, async (chunk) => {
    let request: Record<string, unknown>[] | undefined = chunk;
    for (let attempt = 0; request?.length; attempt++) {
      if (attempt) await backoff(attempt);
      const out: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: {
              Keys: request,
              ConsistentRead: consistent,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName()] ?? []));
      request = out.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined;
    }
  });
  return found;
}

/** Puts `items`, 25 to a request, `inFlight` requests at a time; unprocessed items (a
 *  throttled partition) are retried with backoff, and it fails loudly rather than lose one.
 *  `each` runs after each request's items are all written. */
export async function putMany(
  items: RawItem[],
  options: { inFlight?: number; each?: (written: RawItem[]) => void } = {},
): Promise<void> {
  await eachChunk(chunked(items, 25), options.inFlight ?? 4, async (chunk) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; requests.length; attempt++) {
      const out: BatchWriteCommandOutput = await db().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
      );
      requests = (out.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
      if (!requests.length) break;
      if (attempt >= MAX_TRIES)
        throw new Error(`${requests.length} items unprocessed after ${attempt} tries`);
      await backoff(attempt);
    }
    options.each?.(chunk);
  });
}

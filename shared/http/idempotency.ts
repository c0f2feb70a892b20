import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '#shared/clock.ts';
import type { HttpReply } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { db, tableName } from '#shared/store/client.ts';
import type { Key } from '#shared/store/item.ts';
import { idempotency } from '#shared/store/items.ts';

// Idempotency-Key (Stripe's semantics, API.md): the first response to a key is kept for
// 24 hours and returned to every repeat with the same request; the same key with another
// request is 422; a repeat while the first is still running is 409. 5xx answers are not
// kept, so a retry after a fault does the work again.
const KEEP_S = 24 * 3600;
/** `run` answers refusals as replies (they are kept); what it throws is a fault. */
/** A run that has not finished after this long is taken to have died; its key is free again. */
const LOCK_MS = 30_000;

export interface IdempotentCall {
  /** Whose key it is: keys of different callers never meet. Undefined for anonymous
   *  callers, whose keys are scoped to the request itself, so strangers never collide. */
  scope: string | undefined;
  operationId: string;
  key: string;
  /** Method, path and body: what "the same request" means. */
  request: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export function readIdempotencyKey(headers: Record<string, string>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'expected 1 to 255 characters' }]);
  }
  return key;
}

export async function idempotent(call: IdempotentCall, run: () => Promise<HttpReply>): Promise<HttpReply> {
  const fingerprint = sha256(call.request);
  const scope = call.scope ?? `anonymous:${fingerprint}`;
  const hash = sha256(`${scope}\n${call.operationId}\n${call.key}`);
  const Key = idempotency.key({ hash });
  const now = clock.nowMs();
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: idempotency.item(
          {
            state: 'RUNNING',
            fingerprint,
            lockedUntil: now + LOCK_MS,
            expiresAtEpoch: Math.floor(now / 1000) + KEEP_S,
          },
          { hash },
        ),
        ConditionExpression:
          'attribute_not_exists(PK) OR (#s = :running AND lockedUntil < :now) OR expiresAtEpoch < :nowS',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':running': 'RUNNING', ':now': now, ':nowS': Math.floor(now / 1000) },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return repeat(Key, fingerprint);
  }

  let reply: HttpReply;
  try {
    reply = await run();
  } catch (error) {
    await release(Key);
    throw error;
  }
  if (reply.status >= 500) {
    await release(Key);
    return reply;
  }
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key,
      UpdateExpression: 'SET #s = :done, reply = :reply',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':done': 'DONE', ':reply': JSON.stringify(reply) },
    }),
  );
  return reply;
}

async function repeat(Key: Key, fingerprint: string): Promise<HttpReply> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }));
  const Item = idempotency.parse(out.Item);
  if (!Item)
    throw new Problem('idempotency-in-progress', 'The first request with this key is still running.');
  if (Item.fingerprint !== fingerprint) {
    throw new Problem('idempotency-key-reused', 'This key was used with a different request.');
  }
  if (Item.state !== 'DONE') {
    throw new Problem('idempotency-in-progress', 'The first request with this key is still running.');
  }
  const reply = JSON.parse(Item.reply ?? '') as HttpReply;
  return { ...reply, headers: { ...reply.headers, 'idempotent-replayed': 'true' } };
}

async function release(Key: Key): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key }));
}

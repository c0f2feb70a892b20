import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clock } from '#platform/clock.ts';
import type { HttpReply } from '#platform/http/contract.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { type SignedWrite, signaturePut, signatureSeen } from '#platform/http/signatures.ts';
import type { IdempotencyRecord } from '#platform/items.ts';
import { idempotency } from '#platform/items.ts';
import { logger } from '#platform/logger.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { Key } from '#platform/store/item.ts';
import { guarded, type TransactItem, transact } from '#platform/store/transact.ts';

// Idempotency-Key (Stripe's semantics, API.md): the first response to a key is kept for
// 24 hours and returned to every repeat with the same request; the same key with another
// request is 422; a repeat while the first is still running is 409 (or, where the record
// is written in the route's own transaction, the first answer once it is in). 5xx answers
// are not kept, so a retry after a fault does the work again. `run` answers refusals as
// replies (they are kept); what it throws is a fault.
const KEEP_S = 24 * 3600;
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

function recordKey(call: IdempotentCall) {
  const fingerprint = sha256(call.request);
  const scope = call.scope ?? `anonymous:${fingerprint}`;
  const hash = sha256(`${scope}\n${call.operationId}\n${call.key}`);
  return { fingerprint, hash, Key: idempotency.key({ hash }) };
}

/** A key is free when it was never used, its record outlived its 24 h (TTL deletes
 *  late), or the run holding it died. */
const FREE = 'attribute_not_exists(PK) OR (#s = :running AND lockedUntil < :now) OR expiresAtEpoch < :nowS';
const freeValues = (now: number) => ({
  ExpressionAttributeNames: { '#s': 'state' },
  ExpressionAttributeValues: { ':running': 'RUNNING', ':now': now, ':nowS': Math.floor(now / 1000) },
});

export function readIdempotencyKey(headers: Record<string, string>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'expected 1 to 255 characters' }]);
  }
  return key;
}

/** Lock first, run, keep the reply: for routes whose work is not one transaction (three
 *  calls besides the work). */
export async function idempotent(call: IdempotentCall, run: () => Promise<HttpReply>): Promise<HttpReply> {
  const { fingerprint, hash, Key } = recordKey(call);
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
        ConditionExpression: FREE,
        ...freeValues(now),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return answerOf(await readRecord(Key), fingerprint);
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

/** What a route whose work is one transaction adds to it (`request.idempotency`). */
export interface KeptInTransaction {
  /**
   * The items that keep `reply` as this request's answer, on condition the key is new
   * (and, for a partner, that its signature was not accepted with another key): add them
   * to the transaction that does the work, built once the reply is known. If the key was
   * used, the transaction fails on them and the request answers what was kept. A refusal
   * (a Problem) is kept this way when the route acts before refusing (a wrong code's try).
   */
  record(reply: HttpReply | Problem): TransactItem[];
}

/** The key was used (or the signature seen) when the route's transaction was tried. */
class AlreadyKept extends Error {
  constructor(
    readonly what: 'key' | 'signature',
    readonly old?: Record<string, unknown>,
  ) {
    super(`${what} already kept`);
  }
}

/**
 * Idempotency at no call of its own: the route's transaction writes the record with the
 * work (`KeptInTransaction`), so a success costs nothing more, a repeat finds the record
 * by the transaction's refused condition, and concurrent repeats act once (the others
 * get the kept answer). A refusal (4xx) is kept by a write of its own once the route has
 * answered: its transaction, if any, did not commit. `leaving` is the reply as it leaves
 * the handler (allow-listed): what is kept is what the first caller got.
 */
export async function idempotentInTransaction(
  call: IdempotentCall & { signature?: SignedWrite },
  leaving: (reply: HttpReply | Problem) => HttpReply,
  run: (keeping: KeptInTransaction) => Promise<HttpReply>,
): Promise<HttpReply> {
  const { fingerprint, hash, Key } = recordKey(call);
  let kept: HttpReply | undefined;
  const keeping: KeptInTransaction = {
    record(reply) {
      const answer = leaving(reply);
      // A reply that does not match its schema is a bug: fail before the work is done.
      if (answer.status >= 500) throw new Error('the reply to keep is not a valid answer');
      const now = clock.nowMs();
      const items: TransactItem[] = [];
      if (call.signature)
        items.push(
          guarded({ Put: signaturePut(call.signature) }, { failed: () => new AlreadyKept('signature') }),
        );
      const record: IdempotencyRecord = {
        state: 'DONE',
        fingerprint,
        lockedUntil: 0,
        expiresAtEpoch: Math.floor(now / 1000) + KEEP_S,
        reply: JSON.stringify(answer),
      };
      items.push(
        guarded(
          {
            Put: {
              TableName: tableName(),
              Item: idempotency.item(record, { hash }),
              ConditionExpression: FREE,
              ...freeValues(now),
              // Why it failed, without a read: the kept answer or another request's.
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            failed: (old) => new AlreadyKept('key', old),
            committed: () => {
              kept = answer;
            },
          },
        ),
      );
      return items;
    },
  };
  try {
    const reply = await run(keeping);
    if (kept) return kept;
    if (reply.status >= 500) return reply;
    if (reply.status < 300)
      logger.error('a success kept after its work, not with it', { operation: call.operationId });
    await transact(keeping.record(reply));
    return kept ?? reply;
  } catch (error) {
    if (!(error instanceof AlreadyKept)) throw error;
    if (error.what === 'signature') throw signatureSeen();
    return answerOf(idempotency.parse(error.old) ?? (await readRecord(Key)), fingerprint);
  }
}

async function readRecord(Key: Key): Promise<IdempotencyRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }));
  return idempotency.parse(out.Item);
}

function answerOf(Item: IdempotencyRecord | undefined, fingerprint: string): HttpReply {
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

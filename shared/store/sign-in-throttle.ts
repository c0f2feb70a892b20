import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, isExpired } from '#shared/domain/accounts.ts';
import { backOffMs, FORGET_AFTER_S, MAX_WINDOW_MS } from '#shared/domain/sign-in.ts';
import { db, tableName } from '#shared/store/client.ts';
import { signInCounter } from '#shared/store/items.ts';
import { type OutboxMessage, outboxPut } from '#shared/store/outbox.ts';
import { ConditionFailed, transact } from '#shared/store/transact.ts';

// One counter per email, known or not: an unknown email backs off exactly like a real
// one, so the 429 reveals nobody. Versioned (`v`), so concurrent guesses claim their
// checks one at a time and cannot pass the limit.
export interface SignInCounter {
  failures: number;
  lockedUntil: number;
  v: number;
  notifiedAt?: number;
  expiresAtEpoch?: number;
}

const key = (email: string) => signInCounter.key({ email });
const MAX_CLAIM_TRIES = 25;

export type Claim = { granted: true; lockedUntil: number } | { granted: false; retryAfterMs: number };

/**
 * Claims one password check, counted as a failure until `signInSucceeded` says otherwise.
 * Refused while a back-off window is open. The claim that reaches the limit opens the
 * next window itself, before its password is checked, so no concurrent guess slips in.
 */
export async function claimCheck(email: string, now: Date): Promise<Claim> {
  const t = now.getTime();
  for (let attempt = 0; attempt < MAX_CLAIM_TRIES; attempt++) {
    const read = await db().send(
      new GetCommand({ TableName: tableName(), Key: key(email), ConsistentRead: true }),
    );
    const item = signInCounter.parse(read.Item);
    const live = item && !isExpired(item, t) ? item : undefined;
    if (live && live.lockedUntil > t) return { granted: false, retryAfterMs: live.lockedUntil - t };
    const failures = (live?.failures ?? 0) + 1;
    const window = backOffMs(failures);
    const lockedUntil = window ? t + window : 0;
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key(email),
          UpdateExpression: 'SET failures = :f, lockedUntil = :l, v = :next, expiresAtEpoch = :exp',
          ConditionExpression: item ? 'v = :v' : 'attribute_not_exists(PK)',
          ExpressionAttributeValues: {
            ':f': failures,
            ':l': lockedUntil,
            ':next': (item?.v ?? 0) + 1,
            ':exp': epochSeconds(t) + FORGET_AFTER_S,
            ...(item ? { ':v': item.v } : {}),
          },
        }),
      );
      return { granted: true, lockedUntil };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  // Contended beyond reason: refuse rather than check a password without a claim.
  return { granted: false, retryAfterMs: 1000 };
}

/** The right password: the count starts again (the last notice is kept). */
export async function signInSucceeded(email: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key(email),
        UpdateExpression: 'SET failures = :zero, lockedUntil = :zero, v = v + :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

/** Tells the owner a back-off has started: at most one notice per longest window. An
 *  unknown email (no message) records the notice all the same, to take the same time. */
export async function noticeBackOff(
  email: string,
  message: OutboxMessage | undefined,
  now: Date,
): Promise<void> {
  const t = now.getTime();
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: key(email),
          UpdateExpression: 'SET notifiedAt = :t',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(notifiedAt) OR notifiedAt <= :cutoff)',
          ExpressionAttributeValues: { ':t': t, ':cutoff': t - MAX_WINDOW_MS },
        },
      },
      ...(message ? [outboxPut(message, now)] : []),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}

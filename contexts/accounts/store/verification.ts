import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  account as accountItem,
  type Channel,
  type EmailMarker,
  emailMarker,
  phoneMarker,
} from '#contexts/accounts/items.ts';
import { epochSeconds, isExpired } from '#contexts/accounts/rules/accounts.ts';
import { judgeCode, MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { codeMessage, codeSalt, issueCode } from '#contexts/accounts/store/accounts.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { hashCode } from '#platform/crypto.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Email and phone verification, on the email marker (store/accounts.ts `EmailMarker`),
// which the request names by its email: the conditions of one write are the rules (the
// code's hash, attempts and expiry, the channel not verified yet), and when that write
// fails, the marker as it stood (ALL_OLD) says why, without a read.

const verifiedField = { email: 'emailVerified', phone: 'phoneVerified' } as const;
const otherChannel = { email: 'phone', phone: 'email' } as const;
const liveMarker =
  'attribute_exists(accountId) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)';
const rightCode = 'codes.#c.#h = :hash AND codes.#c.attempts < :max AND codes.#c.expiresAt >= :nowMs';

export type Verification = 'verified' | 'invalid' | 'expired' | 'locked';

/**
 * The first channel verified is one update of the marker (the other channel unverified
 * is part of its condition). The second is one transaction: the marker, the account
 * (both flags set, its expiry removed) and the phone marker's expiry, planned from the
 * first write's ALL_OLD. Two channels verified at once: the marker serialises them, and
 * the later one finds the other verified and completes.
 */
export async function verifyCode(
  email: string,
  channel: Channel,
  code: string,
  now: Date,
): Promise<Verification> {
  const mine = verifiedField[channel];
  const other = verifiedField[otherChannel[channel]];
  const hash = hashCode(code, codeSalt(email, channel));
  const values = {
    ':hash': hash,
    ':max': MAX_CODE_ATTEMPTS,
    ':nowMs': now.getTime(),
    ':now': epochSeconds(now.getTime()),
    ':true': true,
  };
  const first = await update({
    Key: emailMarker.key({ email }),
    UpdateExpression: 'SET #mine = :true REMOVE codes.#c',
    ConditionExpression: `${liveMarker} AND ${rightCode} AND (attribute_not_exists(#other) OR #other <> :true)`,
    ExpressionAttributeNames: { '#c': channel, '#h': 'hash', '#mine': mine, '#other': other },
    ExpressionAttributeValues: values,
  });
  if (first.done) return 'verified';
  let marker = emailMarker.parse(first.item);
  for (let attempt = 0; attempt < 3; attempt++) {
    const verdict = await judge(marker, email, channel, code, now);
    if (verdict !== 'ok') return verdict;
    // The code is right and the other channel is verified: this one completes the account.
    const { accountId, phone } = marker!;
    const me = { ':me': accountId };
    const items: TransactItem[] = [
      labelled('code', {
        Update: {
          TableName: tableName(),
          Key: emailMarker.key({ email }),
          UpdateExpression: 'SET #mine = :true REMOVE codes.#c, expiresAtEpoch',
          ConditionExpression: `${liveMarker} AND ${rightCode} AND #other = :true AND accountId = :me`,
          ExpressionAttributeNames: { '#c': channel, '#h': 'hash', '#mine': mine, '#other': other },
          ExpressionAttributeValues: {
            ...values,
            ':hash': hashCode(code, marker!.codes![channel]!.salt),
            ...me,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      }),
      {
        Update: {
          TableName: tableName(),
          Key: accountItem.key({ accountId }),
          UpdateExpression: 'SET emailVerified = :true, phoneVerified = :true REMOVE expiresAtEpoch',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)',
          ExpressionAttributeValues: { ':true': true, ':now': values[':now'] },
        },
      },
    ];
    if (phone)
      items.push({
        Update: {
          TableName: tableName(),
          Key: phoneMarker.key({ phone }),
          UpdateExpression: 'REMOVE expiresAtEpoch',
          ConditionExpression: 'accountId = :me',
          ExpressionAttributeValues: me,
        },
      });
    try {
      await transact(items);
      return 'verified';
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The account (or its phone marker) is gone: it expired under us.
      if (error.label !== 'code') return 'invalid';
      marker = emailMarker.parse(error.item);
    }
  }
  return 'locked';
}

/** Why the verifying write failed, from the marker as it stood: 'ok' when the code is
 *  right and only the other channel's state stopped it. A wrong code is counted here. */
async function judge(
  marker: EmailMarker | undefined,
  email: string,
  channel: Channel,
  code: string,
  now: Date,
): Promise<Verification | 'ok'> {
  // An unknown email answers like a wrong code, so the route does not reveal who is registered.
  if (!marker || isExpired(marker, now.getTime())) return 'invalid';
  if (marker[verifiedField[channel]]) return 'verified';
  const stored = marker.codes?.[channel];
  const verdict = judgeCode(stored, stored ? hashCode(code, stored.salt) : '', now.getTime());
  if (verdict === 'invalid') return (await countWrongTry(email, channel)) ? 'invalid' : 'locked';
  return verdict === 'ok' && marker[verifiedField[otherChannel[channel]]] !== true ? 'invalid' : verdict;
}

/** Counts a wrong try; the condition keeps concurrent guesses from passing the limit. */
async function countWrongTry(email: string, channel: Channel): Promise<boolean> {
  const out = await update({
    Key: emailMarker.key({ email }),
    UpdateExpression: 'SET codes.#c.attempts = codes.#c.attempts + :one',
    ConditionExpression: 'codes.#c.attempts < :max',
    ExpressionAttributeNames: { '#c': channel },
    ExpressionAttributeValues: { ':one': 1, ':max': MAX_CODE_ATTEMPTS },
  });
  return out.done;
}

/** Replaces the code of a channel and queues its message, unless the channel is verified
 *  or one was sent within `minGapMs`. */
export async function replaceCode(
  email: string,
  marker: EmailMarker,
  channel: Channel,
  now: Date,
  minGapMs: number,
): Promise<boolean> {
  if (channel === 'phone' && !marker.phone) return false;
  const { code, stored } = issueCode(now.getTime(), codeSalt(email, channel));
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: emailMarker.key({ email }),
          UpdateExpression: 'SET codes.#c = :code',
          ConditionExpression: `accountId = :me AND (attribute_not_exists(#mine) OR #mine = :false) AND attribute_exists(codes) AND (attribute_not_exists(codes.#c) OR codes.#c.sentAt < :recent) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)`,
          ExpressionAttributeNames: { '#c': channel, '#mine': verifiedField[channel] },
          ExpressionAttributeValues: {
            ':me': marker.accountId,
            ':code': stored,
            ':false': false,
            ':recent': now.getTime() - minGapMs,
            ':now': epochSeconds(now.getTime()),
          },
        },
      },
      outboxPut(codeMessage({ email, phone: marker.phone ?? '' }, channel, code), now),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

/** A conditional update of one item: done, or the item as it stood when it failed. */
async function update(
  input: Omit<UpdateCommandInput, 'TableName'>,
): Promise<{ done: boolean; item?: Record<string, unknown> }> {
  try {
    await db().send(
      new UpdateCommand({ TableName: tableName(), ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }),
    );
    return { done: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    return { done: false, item: old ? unmarshall(old) : undefined };
  }
}

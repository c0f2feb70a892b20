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
import { codeMessage, codeSalt, getEmailMarker, issueCode } from '#contexts/accounts/store/accounts.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { hashCode } from '#platform/crypto.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Email and phone verification, on the email marker (store/accounts.ts `EmailMarker`),
// which the request names by its email: the conditions of one transaction are the rules
// (the code's hash, attempts and expiry, the channel not verified yet), judged first from
// the marker as read so a wrong code is counted without a write that could not succeed.

const verifiedField = { email: 'emailVerified', phone: 'phoneVerified' } as const;
const liveMarker =
  'attribute_exists(accountId) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)';
const rightCode = 'codes.#c.#h = :hash AND codes.#c.attempts < :max AND codes.#c.expiresAt >= :nowMs';

export type Verification = 'verified' | 'invalid' | 'expired' | 'locked';

/**
 * Each channel is verified on its own, in one transaction: the marker and the account
 * get the channel's flag. The email is what makes an account permanent (the phone is
 * verified later, when it is first needed), so its transaction also removes the expiry of
 * the account and both markers. Two tries at once: the marker serialises them, and the
 * later one finds the channel verified.
 */
export async function verifyCode(
  email: string,
  channel: Channel,
  code: string,
  now: Date,
): Promise<Verification> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const marker = await getEmailMarker(email, now);
    const verdict = await judge(marker, email, channel, code, now);
    if (verdict !== 'ok') return verdict;
    try {
      await transact(verifyingItems(marker!, email, channel, code, now));
      return 'verified';
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The account (or its phone marker) is gone: it expired under us.
      if (error.label !== 'code') return 'invalid';
      // The marker changed since it was read: judge it again.
    }
  }
  return 'locked';
}

function verifyingItems(
  marker: EmailMarker,
  email: string,
  channel: Channel,
  code: string,
  now: Date,
): TransactItem[] {
  const { accountId, phone } = marker;
  const permanent = channel === 'email';
  const nowS = epochSeconds(now.getTime());
  const items: TransactItem[] = [
    labelled('code', {
      Update: {
        TableName: tableName(),
        Key: emailMarker.key({ email }),
        UpdateExpression: `SET #mine = :true REMOVE codes.#c${permanent ? ', expiresAtEpoch' : ''}`,
        ConditionExpression: `${liveMarker} AND ${rightCode} AND accountId = :me AND (attribute_not_exists(#mine) OR #mine <> :true)`,
        ExpressionAttributeNames: { '#c': channel, '#h': 'hash', '#mine': verifiedField[channel] },
        ExpressionAttributeValues: {
          ':hash': hashCode(code, marker.codes![channel]!.salt),
          ':max': MAX_CODE_ATTEMPTS,
          ':nowMs': now.getTime(),
          ':now': nowS,
          ':true': true,
          ':me': accountId,
        },
      },
    }),
    {
      Update: {
        TableName: tableName(),
        Key: accountItem.key({ accountId }),
        UpdateExpression: `SET #mine = :true${permanent ? ' REMOVE expiresAtEpoch' : ''}`,
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)',
        ExpressionAttributeNames: { '#mine': verifiedField[channel] },
        ExpressionAttributeValues: { ':true': true, ':now': nowS },
      },
    },
  ];
  if (permanent && phone)
    items.push({
      Update: {
        TableName: tableName(),
        Key: phoneMarker.key({ phone }),
        UpdateExpression: 'REMOVE expiresAtEpoch',
        ConditionExpression: 'accountId = :me',
        ExpressionAttributeValues: { ':me': accountId },
      },
    });
  return items;
}

/** The verdict on a presented code, from the marker as read: 'ok' when the verifying
 *  transaction may go. A wrong code is counted here. */
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
  // No code was sent on this channel (the phone's is sent on request): nothing to count.
  if (!stored) return 'invalid';
  const verdict = judgeCode(stored, hashCode(code, stored.salt), now.getTime());
  if (verdict === 'invalid') return (await countWrongTry(email, channel)) ? 'invalid' : 'locked';
  return verdict;
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

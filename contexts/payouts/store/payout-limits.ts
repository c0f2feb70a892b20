import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { payoutLimit } from '#contexts/payouts/items.ts';
import { dayOf, LINKS_PER_DAY, secondsToNextDay } from '#contexts/payouts/rules/payouts.ts';
import { db, tableName } from '#platform/store/client.ts';
import { labelled } from '#platform/store/transact.ts';

// The limits on linking a payout account, as counters in the table (functions scale out:
// no limit in memory holds). Each is one conditional update, so concurrent requests count
// exactly and none passes the limit: a day's link attempts that reach the partner, per
// participant and per partner account number (its keyed hash, never the number), and a
// participant's wrong codes of the day, which a new link does not reset (the five-wrong-
// codes lock holds across re-links until the day ends). Counters expire after two days.

const KEEP_S = 2 * 24 * 3600;

const participantKey = (accountId: string, now: Date) =>
  payoutLimit.key({ scope: 'participant', id: accountId, day: dayOf(now) });
const numberKey = (numberHash: string, now: Date) =>
  payoutLimit.key({ scope: 'number', id: numberHash, day: dayOf(now) });

/** Adds one to `field` of the counter unless it has reached `max`; false when it had. */
async function take(
  Key: { PK: string; SK: string },
  field: string,
  max: number,
  now: Date,
): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key,
        UpdateExpression: 'ADD #n :one SET expiresAtEpoch = if_not_exists(expiresAtEpoch, :ttl)',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
        ExpressionAttributeNames: { '#n': field },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': max,
          ':ttl': Math.floor(now.getTime() / 1000) + KEEP_S,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export type LinkClaim = { granted: true } | { granted: false; retryAfterSeconds: number };

/**
 * One link attempt (an inquiry at the partner) for the participant and the number: the
 * participant's counter first, then the number's. An attempt refused by the number's
 * counter still took one of the participant's: probing numbers costs the prober.
 */
export async function claimLink(accountId: string, numberHash: string, now: Date): Promise<LinkClaim> {
  const refused = { granted: false, retryAfterSeconds: secondsToNextDay(now) } as const;
  if (!(await take(participantKey(accountId, now), 'links', LINKS_PER_DAY, now))) return refused;
  if (!(await take(numberKey(numberHash, now), 'links', LINKS_PER_DAY, now))) return refused;
  return { granted: true };
}

/** The participant's wrong codes today (a strongly consistent read). */
export async function wrongCodesToday(accountId: string, now: Date): Promise<number> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: participantKey(accountId, now), ConsistentRead: true }),
  );
  return payoutLimit.parse(out.Item)?.wrongCodes ?? 0;
}

/** Counts a wrong code for the day; false when the day's tries were all taken (locked). */
export function countWrongCodeToday(accountId: string, now: Date): Promise<boolean> {
  return take(participantKey(accountId, now), 'wrongCodes', MAX_CODE_ATTEMPTS, now);
}

/** The condition a verification takes with it: the participant is not locked today
 *  (its refusal is labelled 'locked'). */
export function notLockedToday(accountId: string, now: Date) {
  return labelled('locked', {
    ConditionCheck: {
      TableName: tableName(),
      Key: participantKey(accountId, now),
      ConditionExpression: 'attribute_not_exists(wrongCodes) OR wrongCodes < :max',
      ExpressionAttributeValues: { ':max': MAX_CODE_ATTEMPTS },
    },
  });
}

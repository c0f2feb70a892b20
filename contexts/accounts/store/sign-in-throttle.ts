import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type EmailMarker, emailMarker, type SignInState, signInCounter } from '#contexts/accounts/items.ts';
import { epochSeconds, isExpired } from '#contexts/accounts/rules/accounts.ts';
import { backOffMs, FORGET_AFTER_S, FREE_FAILURES, MAX_WINDOW_MS } from '#contexts/accounts/rules/sign-in.ts';
import type { OutboxMessage } from '#contexts/notifications/items.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { Key } from '#platform/store/item.ts';
import { ConditionFailed, transact } from '#platform/store/transact.ts';

const MAX_CLAIM_TRIES = 25;
const FORGET_AFTER_MS = FORGET_AFTER_S * 1000;

export type Claim = { granted: true; lockedUntil: number } | { granted: false; retryAfterMs: number };

/** Where an email's back-off is kept: its live marker, or its own counter. */
interface Holder {
  Key: Key;
  /** Condition that the item is still the live marker (none for a counter). */
  live?: string;
  /** Values that condition uses; and the counter's TTL, set on each write. */
  values: Record<string, unknown>;
  ttl?: number;
}

export interface SignInAttempt {
  claim: Claim;
  /** The email's live marker (the sign-in record), or undefined for an unknown email. */
  marker?: EmailMarker;
  /** The password was wrong (or the email unknown): counted; `notice` tells the owner
   *  when this check opened a back-off window. */
  failed(notice?: OutboxMessage): Promise<void>;
  /** The password was right: the count starts again. */
  succeeded(): Promise<void>;
}

/** Claims one password check for `email` (see above); refused while a window is open. */
export async function claimSignIn(email: string, now: Date): Promise<SignInAttempt> {
  const t = now.getTime();
  const marker: Holder = {
    Key: emailMarker.key({ email }),
    live: 'attribute_exists(accountId) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :nowS)',
    values: { ':nowS': epochSeconds(t) },
  };
  const quick = await quickClaim(marker, t);
  // The marker as the claim left it (ALL_NEW), or as it stood when refused (ALL_OLD).
  const found = quick.item && emailMarker.parse(quick.item);
  if (quick.done) return attempt(marker, { granted: true, lockedUntil: 0 }, now, found);
  if (found && !isExpired(found, t))
    return attempt(marker, await versionedClaim(marker, quick.item, t), now, found);

  const counter: Holder = {
    Key: signInCounter.key({ email }),
    values: {},
    ttl: epochSeconds(t) + FORGET_AFTER_S,
  };
  const unknown = await quickClaim(counter, t);
  if (unknown.done) return attempt(counter, { granted: true, lockedUntil: 0 }, now);
  return attempt(counter, await versionedClaim(counter, unknown.item, t), now);
}

function attempt(holder: Holder, claim: Claim, now: Date, marker?: EmailMarker): SignInAttempt {
  return {
    claim,
    marker,
    failed: async (notice) => {
      if (claim.granted && claim.lockedUntil) await noticeBackOff(holder, notice, now);
    },
    succeeded: () => claimSucceeded(holder),
  };
}

const present = (holder: Holder, condition: string) =>
  holder.live ? `${holder.live} AND ${condition}` : condition;
const ttl = (holder: Holder) => (holder.ttl === undefined ? '' : ', expiresAtEpoch = :exp');
const ttlValue = (holder: Holder) => (holder.ttl === undefined ? {} : { ':exp': holder.ttl });

/** A claim that cannot reach the limit: one atomic increment, unless a window is open,
 *  the count is near the limit or stale (then the versioned claim decides). */
function quickClaim(holder: Holder, t: number) {
  const below =
    '(attribute_not_exists(failures) OR failures < :quick) AND (attribute_not_exists(forgetAt) OR forgetAt > :t) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :t) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :nowS)';
  return update({
    Key: holder.Key,
    UpdateExpression: `SET failures = if_not_exists(failures, :zero) + :one, v = if_not_exists(v, :zero) + :one, forgetAt = :forget${ttl(holder)}`,
    ConditionExpression: present(holder, below),
    ExpressionAttributeValues: {
      ...holder.values,
      ...ttlValue(holder),
      // The increment leaves at most FREE_FAILURES - 1 counted: no window to open.
      ':quick': FREE_FAILURES - 1,
      ':zero': 0,
      ':one': 1,
      ':t': t,
      ':nowS': epochSeconds(t),
      ':forget': t + FORGET_AFTER_MS,
    },
    ReturnValues: 'ALL_NEW',
  });
}

/** Failures that still count at `t`: a day without one forgets them. */
function liveFailures(item: (SignInState & { expiresAtEpoch?: number }) | undefined, t: number): number {
  if (!item) return 0;
  const until = item.forgetAt ?? (item.expiresAtEpoch ?? 0) * 1000;
  return until > t ? (item.failures ?? 0) : 0;
}

/** The claim that may reach the limit, versioned on `v` from `raw` (the item as the quick
 *  claim found it). */
async function versionedClaim(
  holder: Holder,
  raw: Record<string, unknown> | undefined,
  t: number,
): Promise<Claim> {
  let item = raw as (SignInState & { expiresAtEpoch?: number }) | undefined;
  for (let attempt = 0; attempt < MAX_CLAIM_TRIES; attempt++) {
    if (item?.lockedUntil && item.lockedUntil > t)
      return { granted: false, retryAfterMs: item.lockedUntil - t };
    const failures = liveFailures(item, t) + 1;
    const window = backOffMs(failures);
    const lockedUntil = window ? t + window : 0;
    const versioned = item?.v === undefined ? 'attribute_not_exists(v)' : 'v = :v';
    const out = await update({
      Key: holder.Key,
      UpdateExpression: `SET failures = :f, lockedUntil = :l, v = :next, forgetAt = :forget${ttl(holder)}`,
      ConditionExpression: present(holder, versioned),
      ExpressionAttributeValues: {
        ...holder.values,
        ...ttlValue(holder),
        ':f': failures,
        ':l': lockedUntil,
        ':next': (item?.v ?? 0) + 1,
        ':forget': t + FORGET_AFTER_MS,
        ...(item?.v === undefined ? {} : { ':v': item.v }),
      },
    });
    if (out.done) return { granted: true, lockedUntil };
    // The marker went (or expired) under us: refuse rather than check without a claim.
    if (holder.live && !out.item) break;
    item = out.item as typeof item;
  }
  // Contended beyond reason: refuse rather than check a password without a claim.
  return { granted: false, retryAfterMs: 1000 };
}

/** The right password: the count starts again (the last notice is kept). */
async function claimSucceeded(holder: Holder): Promise<void> {
  await update({
    Key: holder.Key,
    UpdateExpression: 'SET failures = :zero, lockedUntil = :zero, v = v + :one',
    ConditionExpression: 'attribute_exists(v)',
    ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
  });
}

/** Tells the owner a back-off has started: at most one notice per longest window. An
 *  unknown email (no message) records the notice all the same, to take the same time. */
async function noticeBackOff(holder: Holder, message: OutboxMessage | undefined, now: Date): Promise<void> {
  const t = now.getTime();
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: holder.Key,
          UpdateExpression: 'SET notifiedAt = :t',
          ConditionExpression:
            'attribute_exists(v) AND (attribute_not_exists(notifiedAt) OR notifiedAt <= :cutoff)',
          ExpressionAttributeValues: { ':t': t, ':cutoff': t - MAX_WINDOW_MS },
        },
      },
      ...(message ? [outboxPut(message, now)] : []),
    ]);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}

/** A conditional update: done, or the item as it stood when the condition failed. */
async function update(
  input: Omit<UpdateCommandInput, 'TableName'>,
): Promise<{ done: boolean; item?: Record<string, unknown> }> {
  try {
    const out = await db().send(
      new UpdateCommand({ TableName: tableName(), ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }),
    );
    return { done: true, item: out.Attributes };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    return { done: false, item: old ? unmarshall(old) : undefined };
  }
}

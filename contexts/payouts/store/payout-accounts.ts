import { createHmac } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { account } from '#contexts/accounts/items.ts';
import type { StoredCode } from '#contexts/accounts/rules/verification.ts';
import { MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { AccountInactive, activeAccountCheck } from '#contexts/accounts/store/accounts.ts';
import type { OutboxMessage } from '#contexts/notifications/items.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { type PayoutAccount, payoutAccount, payoutNumberMarker } from '#contexts/payouts/items.ts';
import { PAYMENT_REJECTED, type PayoutAccountStatus } from '#contexts/payouts/rules/payouts.ts';
import { notLockedToday } from '#contexts/payouts/store/payout-limits.ts';
import { incentive } from '#contexts/purchases/items.ts';
import { auditPut } from '#platform/audit.ts';
import { encrypt } from '#platform/crypto.ts';
import { secrets } from '#platform/secrets.ts';
import { db, tableName } from '#platform/store/client.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

export class PayoutInProgress extends Error {}
export class PayoutNumberTaken extends Error {}
export class ConcurrentChange extends Error {}

/** The keyed hash of a partner account number (the lookup key: not guessable offline). */
export async function payoutNumberHash(partnerCode: string, accountNumber: string): Promise<string> {
  const key = Buffer.from((await secrets()).lookupKey, 'base64');
  return createHmac('sha256', key).update(`payout|${partnerCode}|${accountNumber}`).digest('base64url');
}

export async function getPayoutAccount(accountId: string): Promise<PayoutAccount | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: payoutAccount.key({ accountId }), ConsistentRead: true }),
  );
  return payoutAccount.parse(out.Item);
}

/** The status of each of the participant's incentives (keys and status only). */
function incentiveStates(accountId: string) {
  const { PK, SKPrefix } = incentive.partition({ accountId });
  return queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :i)',
    ExpressionAttributeValues: { ':pk': PK, ':i': SKPrefix },
    ProjectionExpression: 'PK, SK, #status',
    ExpressionAttributeNames: { '#status': 'status' },
    ConsistentRead: true,
  });
}

/**
 * Whether a run holds one of the participant's incentives now: what a change checks
 * before it asks the partner anything (a change is refused then whatever the partner
 * says, and a partner's outage must not hide it). The change's transaction checks it again.
 */
export async function payoutInProgress(accountId: string): Promise<boolean> {
  return (await incentiveStates(accountId)).some((i) => i.status === 'STAGED');
}

export interface PayoutAccountChange {
  partnerCode: string;
  accountNumber: string;
  accountNumberMasked: string;
  status: PayoutAccountStatus;
  reason?: string;
  otp?: StoredCode;
  /** The SMS with the code, when the partner's inquiry matched. */
  message?: OutboxMessage;
}

/**
 * Replaces the participant's payout account, in one transaction: the account item (on
 * condition its version is still the one read), the number's marker (unless another
 * participant holds it), the old marker released, each of the participant's incentives
 * checked not to be staged, the account active, and the SMS.
 */
export async function changePayoutAccount(
  accountId: string,
  change: PayoutAccountChange,
  previous: PayoutAccount | undefined,
  now: Date,
): Promise<PayoutAccount> {
  const TableName = tableName();
  const numberHash = await payoutNumberHash(change.partnerCode, change.accountNumber);
  const incentives = await incentiveStates(accountId);
  if (incentives.some((i) => i.status === 'STAGED')) throw new PayoutInProgress();
  const next: PayoutAccount = {
    accountId,
    partnerCode: change.partnerCode,
    accountNumberSealed: await encrypt(change.accountNumber),
    accountNumberMasked: change.accountNumberMasked,
    numberHash,
    status: change.status,
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.otp ? { otp: change.otp } : {}),
    version: (previous?.version ?? 0) + 1,
    requestedAt: now.toISOString(),
  };
  // A rejected number takes no marker: trying someone else's number must not block them.
  const claimsNumber = change.status !== 'REJECTED';
  const marker: TransactItem[] = claimsNumber
    ? [
        labelled('number-taken', {
          Put: {
            TableName,
            Item: payoutNumberMarker.item({ accountId }, { numberHash }),
            ConditionExpression: 'attribute_not_exists(PK) OR accountId = :me',
            ExpressionAttributeValues: { ':me': accountId },
          },
        }),
      ]
    : [];
  const checks = incentives.map(
    (i): TransactItem =>
      labelled('staged', {
        ConditionCheck: {
          TableName,
          Key: { PK: String(i.PK), SK: String(i.SK) },
          ConditionExpression: '#status <> :staged',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':staged': 'STAGED' },
        },
      }),
  );
  const releases: TransactItem[] =
    // Only a number the partner matched took a marker (a rejected one never did).
    previous && previous.status !== 'REJECTED' && (previous.numberHash !== numberHash || !claimsNumber)
      ? [
          {
            Delete: {
              TableName,
              Key: payoutNumberMarker.key({ numberHash: previous.numberHash }),
              ConditionExpression: 'attribute_not_exists(PK) OR accountId = :me',
              ExpressionAttributeValues: { ':me': accountId },
            },
          },
        ]
      : [];
  const items: TransactItem[] = [
    {
      Put: {
        TableName,
        Item: payoutAccount.item(next),
        ConditionExpression: previous ? 'version = :v' : 'attribute_not_exists(PK)',
        ...(previous ? { ExpressionAttributeValues: { ':v': previous.version } } : {}),
      },
    },
    activeAccountCheck(accountId, now),
    ...marker,
    ...checks,
    ...releases,
    ...(change.message ? [outboxPut(change.message, now)] : []),
  ];
  try {
    await transact(items);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    if (error.label === 'account-inactive') throw new AccountInactive();
    if (error.label === 'number-taken') throw new PayoutNumberTaken();
    if (error.label === 'staged') throw new PayoutInProgress();
    // The account changed since it was read: a concurrent change won.
    throw new ConcurrentChange();
  }
  return next;
}

export type ConfirmOutcome = 'verified' | 'not-pending' | 'locked';

/** The code matched: verified, on condition the code is still the one judged and the
 *  participant has not used up the day's wrong codes meanwhile. */
export async function verifyPayoutAccount(a: PayoutAccount, now: Date): Promise<ConfirmOutcome> {
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: payoutAccount.key({ accountId: a.accountId }),
          UpdateExpression: 'SET #status = :verified, verifiedAt = :at, version = version + :one REMOVE otp',
          ConditionExpression: '#status = :pending AND otp.#hash = :hash AND otp.attempts < :max',
          ExpressionAttributeNames: { '#status': 'status', '#hash': 'hash' },
          ExpressionAttributeValues: {
            ':verified': 'VERIFIED',
            ':pending': 'PENDING_VERIFICATION',
            ':hash': a.otp?.hash ?? '',
            ':max': MAX_CODE_ATTEMPTS,
            ':at': now.toISOString(),
            ':one': 1,
          },
        },
      },
      notLockedToday(a.accountId, now),
    ]);
    return 'verified';
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    return error.label === 'locked' ? 'locked' : 'not-pending';
  }
}

/** A wrong code takes one of the tries left; false when none was left. */
export async function countWrongPayoutCode(accountId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: payoutAccount.key({ accountId }),
        UpdateExpression: 'SET otp.attempts = otp.attempts + :one',
        ConditionExpression: '#status = :pending AND otp.attempts < :max',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':pending': 'PENDING_VERIFICATION',
          ':max': MAX_CODE_ATTEMPTS,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** What the dispatcher knows of the account an instruction was staged for. */
export interface RefusedAccount {
  accountId: string;
  partnerCode: string;
  accountNumberSealed: string;
  accountNumberMasked: string;
}

export type RefusalOutcome = 'marked' | 'already';

/**
 * A partner refused a payment to a verified account (`account-rejected`, ...): the
 * account becomes REJECTED (`payment-rejected`) so that staging, which takes verified
 * accounts only, stages nothing for it until the citizen links one again; its number's
 * marker is released (a rejected account holds none), the citizen is told by SMS and the
 * refusal audited with the partner's reason, all in one transaction on condition the
 * account is still the verified one the instruction was staged for. A second refusal
 * (another incentive, a redelivery) finds it marked and writes nothing.
 */
export async function markPayoutAccountRejected(
  refused: RefusedAccount,
  partnerReason: string,
  now: Date,
): Promise<RefusalOutcome> {
  const TableName = tableName();
  const current = await getPayoutAccount(refused.accountId);
  if (
    current?.status !== 'VERIFIED' ||
    current.accountNumberSealed !== refused.accountNumberSealed ||
    current.partnerCode !== refused.partnerCode
  )
    return 'already';
  const holder = account.parse(
    (await db().send(new GetCommand({ TableName, Key: account.key({ accountId: refused.accountId }) }))).Item,
  );
  const items: TransactItem[] = [
    labelled('not-verified', {
      Update: {
        TableName,
        Key: payoutAccount.key({ accountId: refused.accountId }),
        UpdateExpression:
          'SET #status = :rejected, reason = :reason, rejectedAt = :at, version = version + :one REMOVE otp, verifiedAt',
        ConditionExpression: 'version = :v AND #status = :verified',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':rejected': 'REJECTED',
          ':verified': 'VERIFIED',
          ':reason': PAYMENT_REJECTED,
          ':at': now.toISOString(),
          ':one': 1,
          ':v': current.version,
        },
      },
    }),
    {
      Delete: {
        TableName,
        Key: payoutNumberMarker.key({ numberHash: current.numberHash }),
        ConditionExpression: 'attribute_not_exists(PK) OR accountId = :me',
        ExpressionAttributeValues: { ':me': refused.accountId },
      },
    },
    auditPut({
      at: now.toISOString(),
      actor: `partner:${refused.partnerCode}`,
      role: 'payment',
      kind: 'payout-account.rejected',
      subject: refused.accountId,
      detail: {
        partnerCode: refused.partnerCode,
        accountNumberMasked: refused.accountNumberMasked,
        partnerReason,
      },
    }),
    // No account item (fixtures write payout accounts alone): marked, nobody to tell.
    ...(holder
      ? [
          outboxPut(
            {
              to: holder.phone,
              channel: 'sms',
              template: 'payout-account-rejected',
              data: { partner: refused.partnerCode, account: refused.accountNumberMasked },
            },
            now,
          ),
        ]
      : []),
  ];
  try {
    await transact(items);
    return 'marked';
  } catch (error) {
    if (error instanceof ConditionFailed && error.label === 'not-verified') return 'already';
    throw error;
  }
}

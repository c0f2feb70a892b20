import { randomBytes, randomInt } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Account,
  account as accountItem,
  type Channel,
  type EmailMarker,
  emailMarker,
  phoneMarker,
} from '#contexts/accounts/items.ts';
import {
  type AccountState,
  accountState,
  epochSeconds,
  isExpired,
  UNVERIFIED_ACCOUNT_TTL_S,
} from '#contexts/accounts/rules/accounts.ts';
import { CODE_TTL_MS, type StoredCode } from '#contexts/accounts/rules/verification.ts';
import type { OutboxMessage } from '#contexts/notifications/items.ts';
import { outboxPut } from '#contexts/notifications/store/outbox.ts';
import { hashCode } from '#platform/crypto.ts';
import { db, tableName } from '#platform/store/client.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

/** A transaction's check on the caller's account failed: gone, unverified or disabled
 *  (`state`, from the account as it stood, when the check returned it). */
export class AccountInactive extends Error {
  constructor(readonly state?: AccountState) {
    super(`account ${state ?? 'inactive'}`);
  }
}

/** The account check's failure as AccountInactive, its state read from the item it returned. */
export function accountInactive(old: Record<string, unknown> | undefined, now: Date): AccountInactive {
  const state = accountState(accountItem.parse(old), now.getTime());
  // 'active' means it changed back since: the caller reads it again.
  return new AccountInactive(state === 'active' ? undefined : state);
}

export class DuplicateAccount extends Error {
  constructor(readonly field: 'email' | 'phone') {
    super(`duplicate ${field}`);
  }
}

/** An account code's salt: known from the email the request names, so a verification can
 *  hash the presented code before anything is read (unique per live account and channel). */
export const codeSalt = (email: string, channel: Channel) => `${email}:${channel}`;

/** A fresh 6-digit code: the clear code goes in the message, only its hash is stored. */
export function issueCode(
  nowMs: number,
  salt = randomBytes(12).toString('base64url'),
): { code: string; stored: StoredCode } {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  return {
    code,
    stored: { hash: hashCode(code, salt), salt, expiresAt: nowMs + CODE_TTL_MS, attempts: 0, sentAt: nowMs },
  };
}

export function codeMessage(
  account: Pick<Account, 'email' | 'phone'>,
  channel: Channel,
  code: string,
): OutboxMessage {
  return channel === 'email'
    ? { to: account.email, channel: 'email', template: 'verify-email', code }
    : { to: account.phone, channel: 'sms', template: 'verify-phone', code };
}

/** Account, its email and phone markers and its code message, all or nothing. An account
 *  whose email is unverified expires with its markers; an expired marker may be taken over.
 *  `admitted`: the waiting room's admission, used in the same transaction (none while it is off). */
export async function insertAccount(
  account: Account,
  messages: OutboxMessage[],
  now: Date,
  admitted: TransactItem[] = [],
): Promise<void> {
  const TableName = tableName();
  const { accountId } = account;
  const nowS = epochSeconds(now.getTime());
  const expiry = account.emailVerified ? {} : { expiresAtEpoch: nowS + UNVERIFIED_ACCOUNT_TTL_S };
  const free = {
    ConditionExpression: 'attribute_not_exists(PK) OR expiresAtEpoch <= :now',
    ExpressionAttributeValues: { ':now': nowS },
  };
  try {
    await transact([
      labelled('email', {
        Put: {
          TableName,
          Item: emailMarker.item(
            {
              accountId,
              ...expiry,
              passwordHash: account.passwordHash,
              role: account.role,
              phone: account.phone,
              emailVerified: account.emailVerified,
              phoneVerified: account.phoneVerified,
              codes: account.codes,
            },
            account,
          ),
          ...free,
        },
      }),
      labelled('phone', {
        Put: {
          TableName,
          Item: phoneMarker.item({ accountId, ...expiry }, account),
          ...free,
        },
      }),
      {
        Put: {
          TableName,
          // The codes live on the email marker, which the verification writes.
          Item: accountItem.item({ ...account, codes: undefined, ...expiry }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...messages.map((m) => outboxPut(m, now)),
      ...admitted,
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && (error.label === 'email' || error.label === 'phone'))
      throw new DuplicateAccount(error.label);
    throw error;
  }
}

/** The account, or undefined when it is absent or has expired (the TTL deletes lazily). */
export async function getAccount(accountId: string, now: Date): Promise<Account | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: accountItem.key({ accountId }), ConsistentRead: true }),
  );
  const account = accountItem.parse(out.Item);
  return isExpired(account, now.getTime()) ? undefined : account;
}

/** The email's marker, or undefined when it is absent or has expired. */
export async function getEmailMarker(email: string, now: Date): Promise<EmailMarker | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: emailMarker.key({ email }), ConsistentRead: true }),
  );
  const marker = emailMarker.parse(out.Item);
  return marker && !isExpired(marker, now.getTime()) ? marker : undefined;
}

export async function findAccountByEmail(email: string, now: Date): Promise<Account | undefined> {
  const marker = await getEmailMarker(email, now);
  if (!marker) return undefined;
  const account = await getAccount(marker.accountId, now);
  // An expired account's marker may since belong to a newer one: only the holder counts.
  return account?.email === email ? account : undefined;
}

/** What a sign-in checks, from the email's marker; a marker written before it carried
 *  them leads to the account. */
export async function signInRecord(
  email: string,
  marker: EmailMarker | undefined,
  now: Date,
): Promise<Pick<Account, 'accountId' | 'role' | 'passwordHash'> | undefined> {
  if (!marker) return undefined;
  const { accountId, role, passwordHash } = marker;
  if (role && passwordHash) return { accountId, role, passwordHash };
  const account = await getAccount(accountId, now);
  return account?.email === email ? account : undefined;
}

const notExpired = '(attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)';

/** For a citizen's write: the account exists, has not expired, its email is verified and
 *  it is not disabled (the phone is checked only where it is needed: phoneVerifiedCheck).
 *  Its refusal is labelled 'account-inactive'. */
export function activeAccountCheck(accountId: string, now: Date): TransactItem {
  return labelled('account-inactive', {
    ConditionCheck: {
      TableName: tableName(),
      Key: accountItem.key({ accountId }),
      ConditionExpression: `attribute_exists(PK) AND emailVerified = :true AND (attribute_not_exists(disabled) OR disabled = :false) AND ${notExpired}`,
      ExpressionAttributeValues: { ':true': true, ':false': false, ':now': epochSeconds(now.getTime()) },
      // Why it failed comes back with the failure (accountInactive), not from a read.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });
}

/** Where a message goes to the phone (a purchase's code): the account's phone is verified.
 *  A verified phone never becomes unverified, so the check needs no more than this.
 *  Its refusal is labelled 'phone-not-verified'. */
export function phoneVerifiedCheck(accountId: string): TransactItem {
  return labelled('phone-not-verified', {
    ConditionCheck: {
      TableName: tableName(),
      Key: accountItem.key({ accountId }),
      ConditionExpression: 'phoneVerified = :true',
      ExpressionAttributeValues: { ':true': true },
    },
  });
}

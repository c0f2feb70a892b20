import { randomBytes, randomInt } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashCode } from '#shared/crypto.ts';
import { epochSeconds, isExpired, UNVERIFIED_ACCOUNT_TTL_S } from '#shared/domain/accounts.ts';
import { CODE_TTL_MS, MAX_CODE_ATTEMPTS, type StoredCode } from '#shared/domain/verification.ts';
import type { Role } from '#shared/http/auth.ts';
import { db, tableName } from '#shared/store/client.ts';
import { account as accountItem, emailMarker, phoneMarker } from '#shared/store/items.ts';
import { type OutboxMessage, outboxPut } from '#shared/store/outbox.ts';
import { ConditionFailed, type TransactItem, transact } from '#shared/store/transact.ts';

export type Channel = 'email' | 'phone';

export interface Account {
  accountId: string;
  fullName: string;
  email: string;
  phone: string;
  passwordHash: string;
  role: Role;
  emailVerified: boolean;
  phoneVerified: boolean;
  createdAt: string;
  codes?: Partial<Record<Channel, StoredCode>>;
  /** The TTL attribute while a channel is unverified (see domain/accounts.ts). */
  expiresAtEpoch?: number;
  disabled?: boolean;
}

/** A transaction's check on the caller's account failed: gone, unverified or disabled. */
export class AccountInactive extends Error {}

export class DuplicateAccount extends Error {
  constructor(readonly field: 'email' | 'phone') {
    super(`duplicate ${field}`);
  }
}

/** A fresh 6-digit code: the clear code goes in the message, only its hash is stored. */
export function issueCode(nowMs: number): { code: string; stored: StoredCode } {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  const salt = randomBytes(12).toString('base64url');
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

/** Account, its email and phone markers and its two code messages, all or nothing. An
 *  unverified account and its markers expire; an expired marker may be taken over. */
export async function insertAccount(account: Account, messages: OutboxMessage[], now: Date): Promise<void> {
  const TableName = tableName();
  const { accountId } = account;
  const nowS = epochSeconds(now.getTime());
  const expiry =
    account.emailVerified && account.phoneVerified ? {} : { expiresAtEpoch: nowS + UNVERIFIED_ACCOUNT_TTL_S };
  const free = {
    ConditionExpression: 'attribute_not_exists(PK) OR expiresAtEpoch <= :now',
    ExpressionAttributeValues: { ':now': nowS },
  };
  try {
    await transact([
      {
        Put: {
          TableName,
          Item: emailMarker.item({ accountId, ...expiry }, account),
          ...free,
        },
      },
      {
        Put: {
          TableName,
          Item: phoneMarker.item({ accountId, ...expiry }, account),
          ...free,
        },
      },
      {
        Put: {
          TableName,
          Item: accountItem.item({ ...account, ...expiry }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...messages.map((m) => outboxPut(m, now)),
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && error.index <= 1)
      throw new DuplicateAccount(error.index === 0 ? 'email' : 'phone');
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

export async function findAccountByEmail(email: string, now: Date): Promise<Account | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: emailMarker.key({ email }) }));
  const marker = emailMarker.parse(out.Item);
  if (!marker || isExpired(marker, now.getTime())) return undefined;
  const account = await getAccount(marker.accountId, now);
  // An expired account's marker may since belong to a newer one: only the holder counts.
  return account?.email === email ? account : undefined;
}

const verifiedField = { email: 'emailVerified', phone: 'phoneVerified' } as const;
const notExpired = '(attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)';

/**
 * Marks the channel verified if the code is still the one that was judged and unlocked.
 * Verifying the second channel also removes the expiry from the account and its two
 * markers, in the same transaction; the other channel's state read is part of the
 * condition, so two channels verified at once cannot both skip that.
 */
export async function markVerified(
  account: Account,
  channel: Channel,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const TableName = tableName();
  const other = verifiedField[channel === 'email' ? 'phone' : 'email'];
  const me = { ':me': account.accountId };
  let current: Account | undefined = account;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const completes: boolean = current[other] === true;
    const items: TransactItem[] = [
      {
        Update: {
          TableName,
          Key: accountItem.key(account),
          UpdateExpression: `SET ${verifiedField[channel]} = :true REMOVE codes.#c${completes ? ', expiresAtEpoch' : ''}`,
          ConditionExpression: `codes.#c.#h = :hash AND codes.#c.attempts < :max AND #other = :completes AND ${notExpired}`,
          ExpressionAttributeNames: { '#c': channel, '#h': 'hash', '#other': other },
          ExpressionAttributeValues: {
            ':true': true,
            ':hash': codeHash,
            ':max': MAX_CODE_ATTEMPTS,
            ':completes': completes,
            ':now': epochSeconds(now.getTime()),
          },
        },
      },
    ];
    if (completes) {
      for (const key of [emailMarker.key(account), phoneMarker.key(account)]) {
        items.push({
          Update: {
            TableName,
            Key: key,
            UpdateExpression: 'REMOVE expiresAtEpoch',
            ConditionExpression: 'accountId = :me',
            ExpressionAttributeValues: me,
          },
        });
      }
    }
    try {
      await transact(items);
      return true;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // Only the other channel changing since the read is worth another go.
      current = await getAccount(account.accountId, now);
      if (current?.[other] === completes) return false;
    }
  }
  return false;
}

/** For a citizen's write: the account exists, has not expired, is verified and not disabled. */
export function activeAccountCheck(accountId: string, now: Date): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: accountItem.key({ accountId }),
      ConditionExpression: `attribute_exists(PK) AND emailVerified = :true AND phoneVerified = :true AND (attribute_not_exists(disabled) OR disabled = :false) AND ${notExpired}`,
      ExpressionAttributeValues: { ':true': true, ':false': false, ':now': epochSeconds(now.getTime()) },
    },
  };
}

/** Counts a wrong try; the condition keeps concurrent guesses from passing the limit. */
export async function countWrongTry(accountId: string, channel: Channel): Promise<boolean> {
  return conditionalUpdate({
    TableName: tableName(),
    Key: accountItem.key({ accountId }),
    UpdateExpression: 'SET codes.#c.attempts = codes.#c.attempts + :one',
    ConditionExpression: 'codes.#c.attempts < :max',
    ExpressionAttributeNames: { '#c': channel },
    ExpressionAttributeValues: { ':one': 1, ':max': MAX_CODE_ATTEMPTS },
  });
}

/** Replaces the code of a channel and queues its message, unless one was sent within `minGapMs`. */
export async function replaceCode(
  account: Account,
  channel: Channel,
  now: Date,
  minGapMs: number,
): Promise<boolean> {
  const { code, stored } = issueCode(now.getTime());
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: accountItem.key(account),
          UpdateExpression: 'SET codes.#c = :code',
          ConditionExpression: `${verifiedField[channel]} = :false AND (attribute_not_exists(codes.#c) OR codes.#c.sentAt < :recent) AND ${notExpired}`,
          ExpressionAttributeNames: { '#c': channel },
          ExpressionAttributeValues: {
            ':code': stored,
            ':false': false,
            ':recent': now.getTime() - minGapMs,
            ':now': epochSeconds(now.getTime()),
          },
        },
      },
      outboxPut(codeMessage(account, channel, code), now),
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

async function conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
  try {
    await db().send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

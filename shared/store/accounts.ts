import { randomBytes, randomInt } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashCode } from '#shared/crypto.ts';
import { CODE_TTL_MS, MAX_CODE_ATTEMPTS, type StoredCode } from '#shared/domain/verification.ts';
import type { Role } from '#shared/http/auth.ts';
import { db, tableName } from '#shared/store/client.ts';
import { keys } from '#shared/store/keys.ts';
import { type OutboxMessage, outboxPut } from '#shared/store/outbox.ts';
import { ConditionFailed, transact } from '#shared/store/transact.ts';

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
}

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

const absent = 'attribute_not_exists(PK)';

/** Account, its email and phone markers and its two code messages, all or nothing. */
export async function insertAccount(account: Account, messages: OutboxMessage[], now: Date): Promise<void> {
  const TableName = tableName();
  const { accountId } = account;
  try {
    await transact([
      {
        Put: {
          TableName,
          Item: { ...keys.email(account.email), type: 'EmailMarker', accountId },
          ConditionExpression: absent,
        },
      },
      {
        Put: {
          TableName,
          Item: { ...keys.phone(account.phone), type: 'PhoneMarker', accountId },
          ConditionExpression: absent,
        },
      },
      {
        Put: {
          TableName,
          Item: { ...keys.account(accountId), type: 'Account', ...account },
          ConditionExpression: absent,
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

export async function getAccount(accountId: string): Promise<Account | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: keys.account(accountId) }));
  return out.Item as Account | undefined;
}

export async function findAccountByEmail(email: string): Promise<Account | undefined> {
  const marker = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(email) }));
  const accountId = marker.Item?.accountId as string | undefined;
  return accountId ? getAccount(accountId) : undefined;
}

const verifiedField = { email: 'emailVerified', phone: 'phoneVerified' } as const;

/** Marks the channel verified if the code is still the one that was judged and unlocked. */
export async function markVerified(accountId: string, channel: Channel, codeHash: string): Promise<boolean> {
  return conditionalUpdate({
    TableName: tableName(),
    Key: keys.account(accountId),
    UpdateExpression: `SET ${verifiedField[channel]} = :true REMOVE codes.#c`,
    ConditionExpression: 'codes.#c.#h = :hash AND codes.#c.attempts < :max',
    ExpressionAttributeNames: { '#c': channel, '#h': 'hash' },
    ExpressionAttributeValues: { ':true': true, ':hash': codeHash, ':max': MAX_CODE_ATTEMPTS },
  });
}

/** Counts a wrong try; the condition keeps concurrent guesses from passing the limit. */
export async function countWrongTry(accountId: string, channel: Channel): Promise<boolean> {
  return conditionalUpdate({
    TableName: tableName(),
    Key: keys.account(accountId),
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
          Key: keys.account(account.accountId),
          UpdateExpression: 'SET codes.#c = :code',
          ConditionExpression: `${verifiedField[channel]} = :false AND (attribute_not_exists(codes.#c) OR codes.#c.sentAt < :recent)`,
          ExpressionAttributeNames: { '#c': channel },
          ExpressionAttributeValues: {
            ':code': stored,
            ':false': false,
            ':recent': now.getTime() - minGapMs,
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

import { randomUUID } from 'node:crypto';
import { createAccount } from '#contexts/accounts/routes.ts';
import {
  codeMessage,
  codeSalt,
  DuplicateAccount,
  insertAccount,
  issueCode,
} from '#contexts/accounts/store/accounts.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { hashPassword } from '#platform/crypto.ts';
import { Problem } from '#platform/http/problem.ts';

export const handler = httpHandler(createAccount, async ({ body }) => {
  const now = clock.now();
  const accountId = randomUUID();
  const emailCode = issueCode(now.getTime(), codeSalt(body.email, 'email'));
  const phoneCode = issueCode(now.getTime(), codeSalt(body.email, 'phone'));
  const account = {
    accountId,
    fullName: body.fullName,
    email: body.email,
    phone: body.phone,
    passwordHash: await hashPassword(body.password),
    role: 'citizen' as const,
    emailVerified: false,
    phoneVerified: false,
    createdAt: now.toISOString(),
    codes: { email: emailCode.stored, phone: phoneCode.stored },
  };
  try {
    await insertAccount(
      account,
      [codeMessage(account, 'email', emailCode.code), codeMessage(account, 'phone', phoneCode.code)],
      now,
    );
  } catch (error) {
    if (error instanceof DuplicateAccount) {
      throw new Problem(`duplicate-${error.field}`, `An account with this ${error.field} already exists.`);
    }
    throw error;
  }
  return { status: 201, body: { accountId: account.accountId } };
});

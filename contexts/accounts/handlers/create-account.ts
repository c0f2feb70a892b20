import { randomUUID } from 'node:crypto';
import { createAccount } from '#contexts/accounts/routes.ts';
import {
  codeMessage,
  codeSalt,
  DuplicateAccount,
  insertAccount,
  issueCode,
} from '#contexts/accounts/store/accounts.ts';
import { admission, admitted } from '#contexts/admission/room.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { hashPassword } from '#platform/crypto.ts';
import { Problem } from '#platform/http/problem.ts';

export const handler = httpHandler(createAccount, async ({ body, headers }) => {
  const now = clock.now();
  // While the waiting room is on, only an admitted entry registers (once).
  const admissionUsed = await admission(headers['x-admission-token'], 'register', now);
  const accountId = randomUUID();
  const emailCode = issueCode(now.getTime(), codeSalt(body.email, 'email'));
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
    // Only the email's code: the phone is verified when it is first needed (a code on request).
    codes: { email: emailCode.stored },
  };
  try {
    await admitted(now, () =>
      insertAccount(account, [codeMessage(account, 'email', emailCode.code)], now, admissionUsed),
    );
  } catch (error) {
    if (error instanceof DuplicateAccount) {
      throw new Problem(`duplicate-${error.field}`, `An account with this ${error.field} already exists.`);
    }
    throw error;
  }
  return { status: 201, body: { accountId: account.accountId } };
});

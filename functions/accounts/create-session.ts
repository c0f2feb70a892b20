import { clock } from '#shared/clock.ts';
import { createSession } from '#shared/contracts/accounts.ts';
import { hashPassword, verifyPassword } from '#shared/crypto.ts';
import { issueToken, TOKEN_LIFETIME_S } from '#shared/http/auth.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { findAccountByEmail } from '#shared/store/accounts.ts';

// Hashing a dummy password for unknown emails keeps the timing of both refusals alike.
const dummyHash = hashPassword('not-a-real-password');

export const handler = httpHandler(createSession, async ({ body }) => {
  const account = await findAccountByEmail(body.email, clock.now());
  const valid = await verifyPassword(body.password, account?.passwordHash ?? (await dummyHash));
  if (!account || !valid) {
    throw new Problem('invalid-credentials', 'The email or the password is wrong.');
  }
  const accessToken = await issueToken({ accountId: account.accountId, role: account.role });
  return { status: 200, body: { accessToken, role: account.role, expiresIn: TOKEN_LIFETIME_S } };
});

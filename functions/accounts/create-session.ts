import { clock } from '#shared/clock.ts';
import { createSession } from '#shared/contracts/accounts.ts';
import { hashPassword, verifyPassword } from '#shared/crypto.ts';
import { issueToken, TOKEN_LIFETIME_S } from '#shared/http/auth.ts';
import { type HttpReply, httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { findAccountByEmail } from '#shared/store/accounts.ts';
import { claimCheck, noticeBackOff, signInSucceeded } from '#shared/store/sign-in-throttle.ts';

// Hashing a dummy password for unknown emails keeps the timing of both refusals alike.
const dummyHash = hashPassword('not-a-real-password');

function rateLimited(retryAfterMs: number): HttpReply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const problem = new Problem('rate-limited', `Too many failed sign-ins: try again in ${seconds} s.`, {
    extensions: { retryAfterSeconds: seconds },
  });
  return {
    status: problem.status,
    body: problem.toBody(),
    headers: { 'content-type': 'application/problem+json', 'retry-after': String(seconds) },
  };
}

// Every password check is claimed on the email's counter first (known or not, so the
// back-off reveals nobody); see shared/domain/sign-in.ts for the windows.
export const handler = httpHandler(createSession, async ({ body }) => {
  const now = clock.now();
  const [account, claim] = await Promise.all([
    findAccountByEmail(body.email, now),
    claimCheck(body.email, now),
  ]);
  if (!claim.granted) return rateLimited(claim.retryAfterMs);
  const valid = await verifyPassword(body.password, account?.passwordHash ?? (await dummyHash));
  if (!account || !valid) {
    if (claim.lockedUntil) {
      const until = new Date(claim.lockedUntil).toISOString();
      const message = account && {
        to: account.email,
        channel: 'email' as const,
        template: 'sign-in-locked',
        data: { lockedUntil: until },
      };
      await noticeBackOff(body.email, message, now);
    }
    throw new Problem('invalid-credentials', 'The email or the password is wrong.');
  }
  await signInSucceeded(body.email);
  const accessToken = await issueToken({ accountId: account.accountId, role: account.role });
  return { status: 200, body: { accessToken, role: account.role, expiresIn: TOKEN_LIFETIME_S } };
});

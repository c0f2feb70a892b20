import { createSession } from '#contexts/accounts/routes.ts';
import { signInRecord } from '#contexts/accounts/store/accounts.ts';
import { claimSignIn } from '#contexts/accounts/store/sign-in-throttle.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { hashPassword, verifyPassword } from '#platform/crypto.ts';
import { issueToken, TOKEN_LIFETIME_S } from '#platform/http/auth.ts';
import { Problem } from '#platform/http/problem.ts';

// Hashing a dummy password for unknown emails keeps the timing of both refusals alike.
const dummyHash = hashPassword('not-a-real-password');

function rateLimited(retryAfterMs: number): Problem {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new Problem('rate-limited', `Too many failed sign-ins: try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
  });
}

// Every password check is claimed on the email's back-off first (known or not, so the
// back-off reveals nobody); the claim on a registered email's marker also reads what the
// check needs, so a right password costs one DynamoDB call (store/sign-in-throttle.ts).
export const handler = httpHandler(createSession, async ({ body }) => {
  const now = clock.now();
  const attempt = await claimSignIn(body.email, now);
  if (!attempt.claim.granted) throw rateLimited(attempt.claim.retryAfterMs);
  const account = await signInRecord(body.email, attempt.marker, now);
  const valid = await verifyPassword(body.password, account?.passwordHash ?? (await dummyHash));
  if (!account || !valid) {
    const lockedUntil = attempt.claim.lockedUntil && new Date(attempt.claim.lockedUntil).toISOString();
    await attempt.failed(
      account && lockedUntil
        ? { to: body.email, channel: 'email', template: 'sign-in-locked', data: { lockedUntil } }
        : undefined,
    );
    throw new Problem('invalid-credentials', 'The email or the password is wrong.');
  }
  await attempt.succeeded();
  const accessToken = await issueToken({ accountId: account.accountId, role: account.role });
  return { status: 200, body: { accessToken, role: account.role, expiresIn: TOKEN_LIFETIME_S } };
});

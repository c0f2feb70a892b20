import { clock } from '#shared/clock.ts';
import { resendCode } from '#shared/contracts/accounts.ts';
import { RESEND_INTERVAL_MS } from '#shared/domain/verification.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { findAccountByEmail, replaceCode } from '#shared/store/accounts.ts';

// Always 202: whether an account exists or a code was actually sent is not revealed.
export const handler = httpHandler(resendCode, async ({ body }) => {
  const account = await findAccountByEmail(body.email, clock.now());
  if (account) await replaceCode(account, body.channel, clock.now(), RESEND_INTERVAL_MS);
  return { status: 202 };
});

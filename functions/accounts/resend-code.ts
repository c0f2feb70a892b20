import { clock } from '#shared/clock.ts';
import { resendCode } from '#shared/contracts/accounts.ts';
import { RESEND_INTERVAL_MS } from '#shared/domain/verification.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { getEmailMarker } from '#shared/store/accounts.ts';
import { replaceCode } from '#shared/store/verification.ts';

// Always 202: whether an account exists or a code was actually sent is not revealed.
export const handler = httpHandler(resendCode, async ({ body }) => {
  const now = clock.now();
  const marker = await getEmailMarker(body.email, now);
  if (marker) await replaceCode(body.email, marker, body.channel, now, RESEND_INTERVAL_MS);
  return { status: 202 };
});

import { resendCode } from '#contexts/accounts/routes.ts';
import { RESEND_INTERVAL_MS } from '#contexts/accounts/rules/verification.ts';
import { getEmailMarker } from '#contexts/accounts/store/accounts.ts';
import { replaceCode } from '#contexts/accounts/store/verification.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';

// Always 202: whether an account exists or a code was actually sent is not revealed.
export const handler = httpHandler(resendCode, async ({ body }) => {
  const now = clock.now();
  const marker = await getEmailMarker(body.email, now);
  if (marker) await replaceCode(body.email, marker, body.channel, now, RESEND_INTERVAL_MS);
  return { status: 202 };
});

import { httpHandler } from '#contexts/http.ts';
import { setSendingRate } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

// The stand-ins refuse what is over the rate; the bulk senders read the provider's rate
// from NOTICE_RATE_<CHANNEL> (contexts/notifications/queues.ts), set here to the same
// figure, as on AWS the declaration holds the quota the account was granted.
export const handler = httpHandler(setSendingRate, async ({ body }) => {
  for (const channel of ['email', 'sms'] as const) {
    const value = body[channel];
    if (value !== undefined && body.sendersFollow)
      process.env[`NOTICE_RATE_${channel.toUpperCase()}`] = String(value);
  }
  return { status: 200, body: outbound.setRate({ email: body.email, sms: body.sms }) };
});

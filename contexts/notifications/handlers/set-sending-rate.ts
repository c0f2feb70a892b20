import { httpHandler } from '#contexts/http.ts';
import { rateView } from '#contexts/notifications/handlers/rate-view.ts';
import { setSendingRate } from '#contexts/notifications/routes.ts';
import { readRates, setRate } from '#contexts/notifications/store/sending-rates.ts';
import { clock } from '#platform/clock.ts';

// An operator's rate, in force within the senders' cache (10 s); the audit record keeps
// who set what. Setting the same figure twice is the same state: idempotent by nature.
export const handler = httpHandler(setSendingRate, async ({ params, body, principal }) => {
  await setRate(params.name, body.perSecond, principal.accountId, clock.now());
  const settings = await readRates();
  return { status: 200, body: rateView(params.name, settings.get(params.name)) };
});

import { httpHandler } from '#contexts/http.ts';
import { rateView } from '#contexts/notifications/handlers/rate-view.ts';
import { listSendingRates } from '#contexts/notifications/routes.ts';
import { RATE_NAMES, readRates } from '#contexts/notifications/store/sending-rates.ts';

export const handler = httpHandler(listSendingRates, async () => {
  const settings = await readRates();
  return { status: 200, body: { items: RATE_NAMES.map((name) => rateView(name, settings.get(name))) } };
});

import { httpHandler } from '#contexts/http.ts';
import { readSendingRate } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

export const handler = httpHandler(readSendingRate, async () => ({ status: 200, body: outbound.rate() }));

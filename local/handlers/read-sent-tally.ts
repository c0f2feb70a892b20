import { httpHandler } from '#contexts/http.ts';
import { readSentTally } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

export const handler = httpHandler(readSentTally, async () => ({ status: 200, body: outbound.tally() }));

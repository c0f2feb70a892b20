import { httpHandler } from '#contexts/http.ts';
import { readSenderFaults } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

export const handler = httpHandler(readSenderFaults, async () => ({ status: 200, body: outbound.faults() }));

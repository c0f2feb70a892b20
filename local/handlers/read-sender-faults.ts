import { readSenderFaults } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(readSenderFaults, async () => ({ status: 200, body: outbound.faults() }));

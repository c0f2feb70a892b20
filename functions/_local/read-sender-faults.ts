import { outbound } from '#local/sent.ts';
import { readSenderFaults } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(readSenderFaults, async () => ({ status: 200, body: outbound.faults() }));

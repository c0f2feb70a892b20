import { listOutbox } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { listOutbox as readOutbox } from '#shared/store/outbox.ts';

export const handler = httpHandler(listOutbox, async ({ query }) => ({
  status: 200,
  body: {
    items: await readOutbox(query.to.toLowerCase().startsWith('+') ? query.to : query.to.toLowerCase()),
  },
}));

import { httpHandler } from '#contexts/http.ts';
import { listOutbox as readOutbox } from '#contexts/notifications/store/outbox.ts';
import { listOutbox } from '#local/routes.ts';

export const handler = httpHandler(listOutbox, async ({ query }) => ({
  status: 200,
  body: {
    items: await readOutbox(query.to.toLowerCase().startsWith('+') ? query.to : query.to.toLowerCase()),
  },
}));

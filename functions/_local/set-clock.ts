import { clock } from '#shared/clock.ts';
import { setClock } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(setClock, async ({ body }) => {
  clock.set(new Date(body.now));
  return { status: 200, body: { now: clock.now().toISOString() } };
});

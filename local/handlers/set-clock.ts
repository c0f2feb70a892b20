import { httpHandler } from '#contexts/http.ts';
import { setClock } from '#local/routes.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(setClock, async ({ body }) => {
  clock.set(new Date(body.now));
  return { status: 200, body: { now: clock.now().toISOString() } };
});

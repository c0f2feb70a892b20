import { httpHandler } from '#contexts/http.ts';
import { resetClock } from '#local/routes.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(resetClock, async () => {
  clock.reset();
  return { status: 200, body: { now: clock.now().toISOString() } };
});

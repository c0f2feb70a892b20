import { clock } from '#shared/clock.ts';
import { resetClock } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(resetClock, async () => {
  clock.reset();
  return { status: 200, body: { now: clock.now().toISOString() } };
});

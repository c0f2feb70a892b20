import { enterRoom, retryAfter } from '#contexts/admission/room.ts';
import { enterWaitingRoom } from '#contexts/admission/routes.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(enterWaitingRoom, async ({ body }) => {
  const { created, ...entry } = await enterRoom(body.entryId, clock.now());
  return {
    status: created ? 201 : 200,
    body: entry,
    headers: retryAfter(entry),
  };
});

import { entryPlace, retryAfter } from '#contexts/admission/room.ts';
import { getWaitingRoomEntry } from '#contexts/admission/routes.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(getWaitingRoomEntry, async ({ params }) => {
  const entry = await entryPlace(params.entryId, clock.now());
  if (!entry) throw problems.notFound('No such entry: queue with POST /v1/waiting-room/entries.');
  return {
    status: 200,
    body: entry,
    headers: retryAfter(entry),
  };
});

import { roomFigures } from '#contexts/admission/room.ts';
import { getWaitingRoom } from '#contexts/admission/routes.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(getWaitingRoom, async () => ({
  status: 200,
  body: await roomFigures(clock.now()),
}));

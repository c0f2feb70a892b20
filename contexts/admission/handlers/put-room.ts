import { roomFigures, setRoom } from '#contexts/admission/room.ts';
import { putWaitingRoom } from '#contexts/admission/routes.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(putWaitingRoom, async ({ body }) => {
  const now = clock.now();
  await setRoom(body, now);
  return { status: 200, body: { roomId: 'registration', ...(await roomFigures(now)) } };
});

import { httpHandler } from '#contexts/http.ts';
import { waveView } from '#contexts/waves/handlers/view.ts';
import { listWaves } from '#contexts/waves/routes.ts';
import { listWaves as readWaves } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(listWaves, async ({ query }) => {
  const { waves, nextCursor } = await readWaves(query.limit, query.cursor);
  const now = clock.now();
  return { status: 200, body: { items: waves.map((wave) => waveView(wave, now)), nextCursor } };
});

import { waveView } from '#functions/waves/view.ts';
import { clock } from '#shared/clock.ts';
import { listWaves } from '#shared/contracts/waves.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { listWaves as readWaves } from '#shared/store/waves.ts';

export const handler = httpHandler(listWaves, async ({ query }) => {
  const { waves, nextCursor } = await readWaves(query.limit, query.cursor);
  const now = clock.now();
  return { status: 200, body: { items: waves.map((wave) => waveView(wave, now)), nextCursor } };
});

import { randomUUID } from 'node:crypto';
import { waveView } from '#functions/waves/view.ts';
import { clock } from '#shared/clock.ts';
import { createWave } from '#shared/contracts/waves.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { insertWave } from '#shared/store/waves.ts';

export const handler = httpHandler(createWave, async ({ body, principal }) => {
  const now = clock.now();
  const wave = {
    waveId: randomUUID(),
    ...body,
    createdAt: now.toISOString(),
    createdBy: principal.accountId,
  };
  await insertWave(wave);
  return { status: 201, body: waveView(wave, now) };
});

import { randomUUID } from 'node:crypto';
import { httpHandler } from '#contexts/http.ts';
import { PoolTooSmall, withPoolDraw } from '#contexts/selection/store/quota-pool.ts';
import { waveView } from '#contexts/waves/handlers/view.ts';
import { createWave } from '#contexts/waves/routes.ts';
import { insertWave } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { Problem } from '#platform/http/problem.ts';

export const handler = httpHandler(createWave, async ({ body, principal }) => {
  const now = clock.now();
  const wave = {
    waveId: randomUUID(),
    ...body,
    createdAt: now.toISOString(),
    createdBy: principal.accountId,
  };
  try {
    // The places drawn from the pool leave it in the transaction that creates the wave.
    await withPoolDraw(body.quotaFromPool, (pool) => insertWave(wave, pool));
  } catch (error) {
    if (error instanceof PoolTooSmall)
      throw new Problem('quota-pool-insufficient', 'The quota pool holds fewer places than asked for.');
    throw error;
  }
  return { status: 201, body: waveView(wave, now) };
});

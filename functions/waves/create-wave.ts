import { randomUUID } from 'node:crypto';
import { waveView } from '#functions/waves/view.ts';
import { clock } from '#shared/clock.ts';
import { createWave } from '#shared/contracts/waves.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { PoolTooSmall, withPoolDraw } from '#shared/store/quota-pool.ts';
import { insertWave } from '#shared/store/waves.ts';

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

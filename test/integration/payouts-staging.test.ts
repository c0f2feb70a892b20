import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DUE_SHARDS, payoutRun, payoutStageShard } from '#contexts/items.ts';
import type { PayoutRun } from '#contexts/payouts/items.ts';
import {
  closeShards,
  countPages,
  openShards,
  type StageState,
  stagePages,
} from '#contexts/payouts/store/payout-staging.ts';
import { allBatches } from '#contexts/payouts/store/payouts.ts';
import { transact } from '#platform/store/transact.ts';
import { stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { seedPayables } from '#test/support/payouts.ts';

// Staging in parallel (docs/payouts-scale.md): each shard of the due index claims on its
// own counter within its share of the budget. Three claimants per shard at once (a
// retried call racing the first) never stage past a share, every claim is counted once,
// and once the shards are closed nothing more is claimed. Incentives due in March 2000,
// this file's own period.

const PERIOD = '2000-03';
const run: PayoutRun = {
  runId: crypto.randomUUID(),
  period: PERIOD,
  periodEnd: '2000-03-31',
  budgetIdr: 0,
  stagedIdr: 0,
  status: 'STAGING',
  createdBy: 'test',
  createdAt: new Date().toISOString(),
};
const options = { pageSize: 7, pagesPerCall: 2 };

beforeAll(async () => {
  // The store's own calls, from this process, against the stack's table.
  Object.assign(process.env, { TABLE_NAME: stack().tableName, DYNAMODB_ENDPOINT: stack().dynamoEndpoint });
  await seedPayables(60, '2000-03-10');
});

async function shardCounter(shard: number) {
  const out = await documentClient(stack()).send(
    new GetCommand({
      TableName: stack().tableName,
      Key: payoutStageShard.key({ runId: run.runId, shard }),
      ConsistentRead: true,
    }),
  );
  return payoutStageShard.parse(out.Item)!;
}

async function stageToTheEnd(shard: number, allotIdr: number) {
  let state: StageState = { cursor: null, done: false, staged: 0, budgetReached: false };
  do state = await stagePages(run, shard, state, { ...options, allotIdr }, new Date());
  while (!state.done);
  return state;
}

describe('parallel staging', () => {
  it('never stages past a shard share, counts each claim once, and stops when closed', async () => {
    const due = await Promise.all(
      Array.from({ length: DUE_SHARDS }, async (_, shard) => {
        let state = { cursor: null, done: false, count: 0, amountIdr: 0 } as Awaited<
          ReturnType<typeof countPages>
        >;
        do state = await countPages(run.periodEnd, shard, state, options);
        while (!state.done);
        return { shard, ...state };
      }),
    );
    const total = due.reduce((sum, d) => sum + d.amountIdr, 0);
    expect(total).toBe(60 * 600_000 + 30 * 50_000);
    // Shares of about half of what each shard owes: every shard runs out.
    const allots = due.map((d) => ({ shard: d.shard, allotIdr: Math.floor(d.amountIdr / 2) }));
    run.budgetIdr = allots.reduce((sum, a) => sum + a.allotIdr, 0);
    await documentClient(stack()).send(
      new PutCommand({ TableName: stack().tableName, Item: payoutRun.item(run) }),
    );
    expect(await openShards(run.runId, allots)).toBe(true);
    // A retried open finds its counters: still staging.
    expect(await openShards(run.runId, allots)).toBe(true);

    await Promise.all(
      allots.flatMap(({ shard, allotIdr }) => [1, 2, 3].map(() => stageToTheEnd(shard, allotIdr))),
    );

    const batches = await allBatches(run.runId);
    let claimed = 0;
    for (const { shard, allotIdr } of allots) {
      const counter = await shardCounter(shard);
      expect(counter.stagedIdr).toBeLessThanOrEqual(allotIdr);
      const inShard = batches.filter((b) => b.batchId.split('.')[1] === String(shard));
      expect(inShard.reduce((sum, b) => sum + b.amountIdr, 0)).toBe(counter.stagedIdr);
      if (allotIdr > 0 && counter.stagedIdr < due.find((d) => d.shard === shard)!.amountIdr)
        expect(counter.budgetReached).toBe(true);
      claimed += counter.stagedIdr;
    }
    expect(claimed).toBeLessThanOrEqual(run.budgetIdr);
    expect(claimed).toBeGreaterThan(0);

    // Closed (what a cancellation's move carries): no claim after it.
    await transact(closeShards(run.runId));
    const more = await Promise.all(allots.map(({ shard }) => stageToTheEnd(shard, 10 ** 12)));
    expect(more.reduce((n, s) => n + s.staged, 0)).toBe(0);
    expect((await allBatches(run.runId)).length).toBe(batches.length);

    // What the first run left due, a second run with room takes: every incentive once in
    // all (and nothing of this file's period stays due for the other files' runs).
    const second = { ...run, runId: crypto.randomUUID(), budgetIdr: DUE_SHARDS * 10 ** 9 };
    await documentClient(stack()).send(
      new PutCommand({ TableName: stack().tableName, Item: payoutRun.item(second) }),
    );
    const room = allots.map(({ shard }) => ({ shard, allotIdr: 10 ** 9 }));
    expect(await openShards(second.runId, room)).toBe(true);
    let staged = 0;
    for (const { shard } of room) {
      let state: StageState = { cursor: null, done: false, staged: 0, budgetReached: false };
      do state = await stagePages(second, shard, state, { ...options, allotIdr: 10 ** 9 }, new Date());
      while (!state.done);
      staged += state.staged;
    }
    const first = batches.reduce((n, b) => n + b.instructions, 0);
    expect(first + staged).toBe(90);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type SpawnedStack, spawnStack } from '#local/spawn-stack.ts';
import type { StackInfo } from '#local/stack.ts';
import { stack } from '#test/support/api.ts';
import {
  loadApplicants,
  stackDirOf,
  stackLookupHash,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';
import {
  adminTokenFor,
  expectedSelection,
  exportSelection,
  putNikFlag,
  runSelection,
  selectedIds,
} from '#test/support/selection.ts';
import { stretchedTimeouts } from './serial-files.ts';

// Reproducibility across deployments: the very same applicants in three independent
// stacks (each its own DynamoDB and keys), drawn with different numbers of parallel
// segments. The same seed must give the same participants; another seed, others.

const applicants = syntheticApplicants(250, { seed: 4242, familySize: 2 });
const laidOff = applicants.filter((_, i) => i % 8 === 0);
const settings = { quota: 90, reservedQuota: 15 };
let others: SpawnedStack[] = [];

beforeAll(async () => {
  others = await Promise.all([spawnStack(stretchedTimeouts), spawnStack(stretchedTimeouts)]);
}, 300_000);

afterAll(async () => {
  await Promise.all(others.map((s) => s.stop()));
});

async function drawOn(target: StackInfo, dir: string, seed: string, segments: number, pageSize: number) {
  const token = await adminTokenFor(target);
  const created = await request(target.apiUrl, 'POST', '/v1/admin/waves', {
    token,
    body: {
      name: 'Gelombang ulang',
      opensAt: new Date(Date.now() - 7_200_000).toISOString(),
      closesAt: new Date(Date.now() - 3_600_000).toISOString(),
      purchaseDeadlineDays: 30,
      scheme: {
        trainingBalanceIdr: 3_500_000,
        incentiveIdr: 600_000,
        incentiveMonths: 1,
        surveyIncentiveIdr: 50_000,
        surveyCount: 2,
      },
      ...settings,
    },
  });
  expect(created.status).toBe(201);
  const { waveId } = created.body;
  await loadApplicants(target, dir, waveId, applicants);
  const hash = stackLookupHash(dir);
  for (const a of laidOff) await putNikFlag(target, hash('nik', a.nik), { priority: 'laid-off' });
  // Three fresh stacks (three cold DynamoDB Locals) drawing at once: minutes on a loaded machine.
  const result = await runSelection(target, token, waveId, { seed, segments, pageSize }, 540_000);
  expect(result).toMatchObject({ status: 'SUCCEEDED', selected: 90, reservedSelected: 15 });
  const rows = await exportSelection(target, token, waveId);
  expect(selectedIds(rows)).toEqual(expectedSelection(rows, seed, settings.quota, settings.reservedQuota));
  return selectedIds(rows);
}

describe('the draw is reproducible', () => {
  it('same seed and applicants, 1 or 7 segments: the same participants; another seed: others', async () => {
    const [b, c] = others as [SpawnedStack, SpawnedStack];
    const [one, seven, reseeded] = await Promise.all([
      drawOn(stack(), stackDirOf(inject('stackLogFile')), 'gelombang-1-seed', 1, 13),
      drawOn(b.info, b.dir, 'gelombang-1-seed', 7, 50),
      drawOn(c.info, c.dir, 'another-seed-entirely', 4, 20),
    ]);
    expect(seven).toEqual(one);
    expect(reseeded).not.toEqual(one);
    const common = [...reseeded].filter((id) => one.has(id)).length;
    expect(common).toBeLessThan(90);
  }, 600_000); // three stacks drawing at once
});

import { httpHandler } from '#contexts/http.ts';
import { countPendingApplicants } from '#contexts/registry/store/checks.ts';
import { getFunnel } from '#contexts/selection/routes.ts';
import { funnel } from '#contexts/selection/rules/screening.ts';
import { getSelection } from '#contexts/selection/store/selection.ts';
import { countApplicants, getWave } from '#contexts/waves/store/waves.ts';
import { problems } from '#platform/http/problem.ts';

// Before the selection has counted, only the number who joined is known; and always,
// how many of them still wait for the civil registry.
export const handler = httpHandler(getFunnel, async ({ params }) => {
  const wave = await getWave(params.waveId);
  if (!wave) throw problems.notFound('No such wave.');
  const [selection, pendingRegistryChecks] = await Promise.all([
    getSelection(wave.waveId),
    countPendingApplicants(wave.waveId),
  ]);
  const counts = selection?.counts;
  const stages = counts ? funnel(counts) : [{ stage: 'joined', count: await countApplicants(wave.waveId) }];
  return { status: 200, body: { waveId: wave.waveId, quota: wave.quota, pendingRegistryChecks, stages } };
});

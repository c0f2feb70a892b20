import { getFunnel } from '#shared/contracts/selection.ts';
import { funnel } from '#shared/domain/screening.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { getSelection } from '#shared/store/selection.ts';
import { countApplicants, getWave } from '#shared/store/waves.ts';

// Before the selection has counted, only the number who joined is known.
export const handler = httpHandler(getFunnel, async ({ params }) => {
  const wave = await getWave(params.waveId);
  if (!wave) throw problems.notFound('No such wave.');
  const counts = (await getSelection(wave.waveId))?.counts;
  const stages = counts ? funnel(counts) : [{ stage: 'joined', count: await countApplicants(wave.waveId) }];
  return { status: 200, body: { waveId: wave.waveId, quota: wave.quota, stages } };
});

import { drawHistogram, findCutoffs } from '#shared/store/draw.ts';
import { saveCutoffs } from '#shared/store/selection.ts';
import { getWave } from '#shared/store/waves.ts';
import { addCounts, type Counts, type SegmentState } from '#shared/workflows/segment-task.ts';
import { workflowTask } from '#shared/workflows/task.ts';

// Step 3: count the draw index per bucket, check it holds every eligible applicant the
// tally counted (an index lags its table; the state machine retries until it agrees),
// and find the cut-offs: the reserved quota among the priority pool, then the rest.
export class IndexLagging extends Error {
  override name = 'IndexLagging';
}

export interface CutInput {
  waveId: string;
  tallied: SegmentState[];
}

export const handler = workflowTask(
  'cut',
  async ({ waveId, tallied }: CutInput) => {
    const wave = await getWave(waveId);
    if (!wave) throw new Error(`wave ${waveId} not found`);
    const counts: Counts = {};
    for (const segment of tallied) addCounts(counts, segment.counts);
    const histogram = await drawHistogram(waveId);
    const indexed = (pool: 'priority' | 'general') => histogram[pool].reduce((a, b) => a + b, 0);
    const priority = counts.priorityEligible ?? 0;
    const general = (counts.eligible ?? 0) - priority;
    if (indexed('priority') !== priority || indexed('general') !== general) {
      throw new IndexLagging(
        `index holds ${indexed('priority')}+${indexed('general')}, tally ${priority}+${general}`,
      );
    }
    const cutoffs = await findCutoffs(waveId, histogram, wave.quota, wave.reservedQuota);
    await saveCutoffs(waveId, cutoffs);
    return { cutoffs, counts };
  },
  (input) => ({ waveId: input.waveId }),
);

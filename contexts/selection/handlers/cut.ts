import type { Counts } from '#contexts/selection/items.ts';
import { addHistogram, cutoffsFromHistogram, emptyHistogram } from '#contexts/selection/rules/draw.ts';
import { addCounts } from '#contexts/selection/segment-task.ts';
import { bucketCandidates, readDrawSummaries } from '#contexts/selection/store/draw.ts';
import { saveCutoffs } from '#contexts/selection/store/selection.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Step 2: sum the segments' histograms and find the cut-offs: the reserved quota among
// the priority pool, then the rest. Only the one or two buckets where a quota is
// crossed are read, key by key, from the page items.
export interface CutInput {
  waveId: string;
  seed: string;
  run: number;
  segments: number;
}

export const handler = workflowTask(
  'cut',
  async ({ waveId, seed, run, segments }: CutInput) => {
    const wave = await getWave(waveId);
    if (!wave) throw new Error(`wave ${waveId} not found`);
    const counts: Counts = {};
    const histogram = emptyHistogram();
    for (const summary of await readDrawSummaries(waveId, run, segments)) {
      addCounts(counts, summary.counts);
      addHistogram(histogram, summary.histogram);
    }
    const cutoffs = await cutoffsFromHistogram(histogram, wave.quota, wave.reservedQuota, (bucket) =>
      bucketCandidates(waveId, run, segments, seed, bucket),
    );
    await saveCutoffs(waveId, cutoffs);
    return { cutoffs, counts };
  },
  (input) => ({ waveId: input.waveId }),
);

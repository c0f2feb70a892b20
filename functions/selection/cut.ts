import { addHistogram, cutoffsFromHistogram, emptyHistogram } from '#shared/domain/draw.ts';
import type { Counts } from '#shared/items/selection.ts';
import { bucketCandidates, readDrawSummaries } from '#shared/store/draw.ts';
import { saveCutoffs } from '#shared/store/selection.ts';
import { getWave } from '#shared/store/waves.ts';
import { addCounts } from '#shared/workflows/segment-task.ts';
import { workflowTask } from '#shared/workflows/task.ts';

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

import type { Counts, SelectionCounts } from '#contexts/selection/items.ts';
import { addCounts, type SegmentState } from '#contexts/selection/segment-task.ts';
import { completeSelection } from '#contexts/selection/store/selection.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Step 5: the wave is ANNOUNCED with the counts of every step.
export interface FinishInput {
  waveId: string;
  draw: { counts: Counts };
  announced: SegmentState[];
}

export function selectionCounts(tally: Counts, announced: Counts): SelectionCounts {
  const excludedByReason: Record<string, number> = {};
  for (const [name, n] of Object.entries(tally)) {
    if (name.startsWith('excluded:')) excludedByReason[name.slice('excluded:'.length)] = n;
  }
  return {
    applicants: tally.applicants ?? 0,
    eligible: tally.eligible ?? 0,
    priorityEligible: tally.priorityEligible ?? 0,
    selected: announced.selected ?? 0,
    reservedSelected: announced.reservedSelected ?? 0,
    notSelected: announced.notSelected ?? 0,
    excludedByReason,
  };
}

export const handler = workflowTask(
  'finish',
  async ({ waveId, draw, announced }: FinishInput) => {
    const totals: Counts = {};
    for (const segment of announced) addCounts(totals, segment.counts);
    const counts = selectionCounts(draw.counts, totals);
    await completeSelection(waveId, counts, clock.now());
    return counts;
  },
  (input) => ({ waveId: input.waveId }),
);

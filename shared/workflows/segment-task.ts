import type { Cutoffs } from '#shared/domain/draw.ts';
import type { Wave } from '#shared/domain/waves.ts';
import { type ApplicationItem, applicantPage, type SegmentCursor } from '#shared/store/applicants.ts';
import { getWave } from '#shared/store/waves.ts';
import { workflowTask } from '#shared/workflows/task.ts';

// A parallel step of the selection works on one segment of the wave's applicants in a
// page loop: the state machine calls the step's Lambda with the segment's state, the
// Lambda works through a few pages and returns the state with its cursor moved and its
// counts added, and the machine calls it again until `done`. A Lambda never holds more
// than one page; a retried call starts again from the state it was given, and every
// write it repeats is conditional or writes the same value, so the counts stay right.

export type Counts = Record<string, number>;

export interface SegmentState {
  waveId: string;
  seed: string;
  segments: number;
  segment: number;
  pageSize: number;
  pagesPerCall: number;
  cursor: SegmentCursor | null;
  done: boolean;
  counts: Counts;
  cutoffs?: Cutoffs;
}

export function addCounts(into: Counts, more: Counts): Counts {
  for (const [name, n] of Object.entries(more)) into[name] = (into[name] ?? 0) + n;
  return into;
}

export type PageWork = (page: ApplicationItem[], wave: Wave, state: SegmentState) => Promise<Counts>;

export function segmentTask(step: string, work: PageWork) {
  const run = async (state: SegmentState): Promise<SegmentState> => {
    const wave = await getWave(state.waveId);
    if (!wave) throw new Error(`wave ${state.waveId} not found`);
    const counts = { ...state.counts };
    let cursor: SegmentCursor | null = state.cursor ?? { slice: 0 };
    for (let pages = 0; cursor && pages < state.pagesPerCall; pages++) {
      const page = await applicantPage(state.waveId, state.segment, state.segments, cursor, state.pageSize);
      addCounts(counts, await work(page.items, wave, state));
      cursor = page.next;
    }
    return { ...state, cursor, done: cursor === null, counts };
  };
  return workflowTask(step, run, (state, out) => ({
    waveId: state.waveId,
    segment: state.segment,
    done: out.done,
  }));
}

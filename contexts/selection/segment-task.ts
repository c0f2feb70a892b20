import type { Counts } from '#contexts/selection/items.ts';
import {
  addHistogram,
  type Cutoffs,
  emptyHistogram,
  type Histogram,
} from '#contexts/selection/rules/draw.ts';
import {
  type ApplicationItem,
  applicantPage,
  type SegmentCursor,
} from '#contexts/selection/store/applicants.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// A parallel step of the selection works on one segment of the wave's applicants in a
// page loop: the state machine calls the step's Lambda with the segment's state, the
// Lambda works through a few pages and returns the state with its cursor moved and its
// counts added, and the machine calls it again until `done`. A Lambda never holds more
// than one page; a retried call starts again from the state it was given, and every
// write it repeats writes the same value or is conditional, so the counts stay right.
// Pages are numbered within the segment: both steps walk the same pages, and the page
// number names the screen step's page item the announce step reads.

export type { Counts };

export interface SegmentState {
  waveId: string;
  seed: string;
  /** The selection's attempt: names this run's page items. */
  run: number;
  segments: number;
  segment: number;
  pageSize: number;
  pagesPerCall: number;
  cursor: SegmentCursor | null;
  /** Pages done so far: the number of the next page. */
  page?: number;
  done: boolean;
  counts: Counts;
  /** The screen step's eligible per pool and bucket, carried until the segment is done. */
  histogram?: Histogram;
  cutoffs?: Cutoffs;
}

export function addCounts(into: Counts, more: Counts): Counts {
  for (const [name, n] of Object.entries(more)) into[name] = (into[name] ?? 0) + n;
  return into;
}

export interface PageResult {
  counts: Counts;
  histogram?: Histogram;
}

export type PageWork = (
  page: ApplicationItem[],
  wave: Wave,
  state: SegmentState,
  pageNumber: number,
) => Promise<PageResult>;

/** `finish` runs once, when the segment's last page is done, with the final state. */
export function segmentTask(
  step: string,
  work: PageWork,
  finish?: (state: SegmentState) => Promise<SegmentState>,
) {
  const run = async (state: SegmentState): Promise<SegmentState> => {
    const wave = await getWave(state.waveId);
    if (!wave) throw new Error(`wave ${state.waveId} not found`);
    const counts = { ...state.counts };
    let histogram = state.histogram;
    let page = state.page ?? 0;
    let cursor: SegmentCursor | null = state.cursor ?? { slice: 0 };
    const read = (at: SegmentCursor) =>
      applicantPage(state.waveId, state.segment, state.segments, at, state.pageSize);
    // The next page is read while this one is worked on: two pages in memory at most.
    let reading = read(cursor);
    for (let pages = 0; pages < state.pagesPerCall; pages++) {
      const current = await reading;
      const more = current.next && pages + 1 < state.pagesPerCall;
      if (more) {
        reading = read(current.next!);
        // Awaited on the next turn; a failed page before then must not leave it unhandled.
        reading.catch(() => undefined);
      }
      // An empty read (the segment's last slices hold nobody) is no page.
      if (current.items.length) {
        const result = await work(current.items, wave, state, page++);
        addCounts(counts, result.counts);
        if (result.histogram) histogram = addHistogram(histogram ?? emptyHistogram(), result.histogram);
      }
      cursor = current.next;
      if (!more) break;
    }
    const next: SegmentState = {
      ...state,
      cursor,
      page,
      done: cursor === null,
      counts,
      ...(histogram ? { histogram } : {}),
    };
    return next.done && finish ? finish(next) : next;
  };
  return workflowTask(step, run, (state, out) => ({
    waveId: state.waveId,
    segment: state.segment,
    done: out.done,
  }));
}

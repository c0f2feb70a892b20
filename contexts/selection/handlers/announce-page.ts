import type { Counts, Outcome } from '#contexts/selection/items.ts';
import { isReserved, isSelected } from '#contexts/selection/rules/draw.ts';
import { segmentTask } from '#contexts/selection/segment-task.ts';
import { type ApplicationItem, eachLimited, readOutcomes } from '#contexts/selection/store/applicants.ts';
import { readDrawPage, type Screened } from '#contexts/selection/store/draw.ts';
import {
  issueParticipant,
  markNotSelected,
  outcomeOf,
  writeNotSelected,
} from '#contexts/selection/store/participants.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { clock } from '#platform/clock.ts';
import { faults } from '#platform/faults.ts';
import { count as metric } from '#platform/observability.ts';

// Step 3: with the cut-offs known, each applicant's outcome follows from its own key and
// the page item the screen step wrote: the drawn become participants (one transaction
// each), everyone else is told they were not selected (one item each, in batches).
// Counts come from the outcomes, so a retried page counts what an earlier try did.
export const handler = segmentTask('announce', async (page, wave, state, pageNumber) => {
  const cutoffs = state.cutoffs!;
  const ids = page.map((a) => a.accountId);
  const [screened, decided] = await Promise.all([
    readDrawPage(
      { waveId: wave.waveId, run: state.run, segment: state.segment, page: pageNumber },
      state.seed,
    ),
    state.run > 1 ? readOutcomes(wave.waveId, ids) : new Map<string, Outcome>(),
  ]);
  if (!screened || screened.size !== page.length || page.some((a) => !screened.has(a.accountId)))
    throw new Error(`page ${state.segment}/${pageNumber} differs from the one screened`);
  const counts: Counts = {};
  const count = (o: Pick<Outcome, 'outcome' | 'pool'> & { key: string }) => {
    const name = o.outcome === 'SELECTED' ? 'selected' : 'notSelected';
    counts[name] = (counts[name] ?? 0) + 1;
    if (o.outcome === 'SELECTED' && isReserved(o, cutoffs))
      counts.reservedSelected = (counts.reservedSelected ?? 0) + 1;
  };
  let done = 0;
  const progress = (n = 1) => {
    for (let i = 0; i < n; i++) faults.check('selection.announce', { segment: state.segment, done: ++done });
  };
  const now = clock.now();
  const drawn: [ApplicationItem, Screened][] = [];
  const notDrawn: Outcome[] = [];
  for (const a of page) {
    const s = screened.get(a.accountId)!;
    const before = decided.get(a.accountId);
    if (before) count({ ...before, key: s.key });
    else if (!s.reason && isSelected(s, cutoffs)) drawn.push([a, s]);
    else
      notDrawn.push(
        outcomeOf(
          a,
          wave,
          { outcome: 'NOT_SELECTED', pool: s.pool, eligible: !s.reason, reason: s.reason ?? 'not-drawn' },
          now,
        ),
      );
  }
  // The batches and the transactions go at once: neither waits for the other.
  await Promise.all([
    writeNotSelected(notDrawn, progress).then(() => {
      for (const o of notDrawn) count({ ...o, key: '' });
    }),
    eachLimited(drawn, 16, async ([a, s]) => {
      count({ outcome: await issue(a, s, wave, now), pool: s.pool, key: s.key });
      progress();
    }),
  ]);
  return { counts };
});

async function issue(a: ApplicationItem, s: Screened, wave: Wave, now: Date) {
  // Someone decided it before this try (an earlier try of this page): what is stored stands.
  const stored = async () => (await readOutcomes(wave.waveId, [a.accountId])).get(a.accountId)!.outcome;
  const issued = await issueParticipant(a, wave, s.pool, now);
  if (issued === 'issued') {
    metric('ParticipantIssued');
    return 'SELECTED' as const;
  }
  if (issued === 'decided-before') return stored();
  // A family or NIK condition refused it at the last moment.
  const marked = await markNotSelected(
    outcomeOf(a, wave, { outcome: 'NOT_SELECTED', pool: s.pool, eligible: true, reason: issued }, now),
  );
  return marked === 'decided-before' ? stored() : ('NOT_SELECTED' as const);
}

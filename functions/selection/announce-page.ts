import { clock } from '#shared/clock.ts';
import { type Cutoffs, isReserved, isSelected, type Pool } from '#shared/domain/draw.ts';
import type { Wave } from '#shared/domain/waves.ts';
import { faults } from '#shared/faults.ts';
import { count as metric } from '#shared/observability.ts';
import { type ApplicationItem, eachLimited, readApplications } from '#shared/store/applicants.ts';
import { issueParticipant, markNotSelected } from '#shared/store/participants.ts';
import { type Counts, segmentTask } from '#shared/workflows/segment-task.ts';

// Step 4: with the cut-offs known, each applicant's outcome follows from its own key:
// the drawn become participants, everyone else is told they were not selected. Counts
// come from the outcomes as stored, so a retried page counts what an earlier try did.
export const handler = segmentTask('announce', async (page, wave, state) => {
  const cutoffs = state.cutoffs!;
  const counts: Counts = {};
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  let done = 0;
  const applications = await readApplications(
    wave.waveId,
    page.map((a) => a.accountId),
  );
  await eachLimited(applications, 16, async (a) => {
    const pool: Pool = a.priority ? 'priority' : 'general';
    if ((await decide(a, pool, wave, cutoffs)) === 'SELECTED') {
      count('selected');
      if (isReserved({ key: a.drawKey!, pool }, cutoffs)) count('reservedSelected');
    } else count('notSelected');
    faults.check('selection.announce', { segment: state.segment, done: ++done });
  });
  return counts;
});

async function decide(a: ApplicationItem, pool: Pool, wave: Wave, cutoffs: Cutoffs) {
  if (a.outcome !== 'JOINED') return a.outcome;
  const now = clock.now();
  // Someone decided it between our read and our write: what they stored stands.
  const storedOutcome = async () => (await readApplications(wave.waveId, [a.accountId]))[0]!.outcome;
  let reason = a.screenReasons?.[0] ?? a.reason ?? 'not-drawn';
  if (a.eligible && isSelected({ key: a.drawKey!, pool }, cutoffs)) {
    const issued = await issueParticipant(a, wave, pool, now);
    if (issued === 'issued') {
      metric('ParticipantIssued');
      return 'SELECTED';
    }
    if (issued === 'decided-before') return storedOutcome();
    reason = issued; // a family or NIK condition refused it at the last moment
  }
  const marked = await markNotSelected(a, wave, reason, now);
  return marked === 'decided-before' ? storedOutcome() : 'NOT_SELECTED';
}

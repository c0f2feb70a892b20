import type { Pool } from '#shared/domain/draw.ts';
import { eachLimited, readApplications } from '#shared/store/applicants.ts';
import { familyPlaces, holdsFamilyPlace, recordEligibility } from '#shared/store/draw.ts';
import type { Counts } from '#shared/workflows/segment-task.ts';
import { segmentTask } from '#shared/workflows/segment-task.ts';

// Step 2: with every family's places settled, the screened-in who hold one enter the
// draw index; the rest are excluded by the family-card cap. Counts per reason.
export const handler = segmentTask('tally', async (page, wave) => {
  const applications = await readApplications(
    wave.waveId,
    page.map((a) => a.accountId),
  );
  const screenedIn = applications.filter((a) => (a.screenReasons ?? []).length === 0);
  const places = await familyPlaces(
    wave.waveId,
    screenedIn.map((a) => a.kkHash),
  );
  const counts: Counts = { applicants: applications.length };
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  for (const a of applications) {
    const first = a.screenReasons?.[0];
    if (first) count(`excluded:${first}`);
  }
  await eachLimited(screenedIn, 16, async (a) => {
    const pool: Pool = a.priority ? 'priority' : 'general';
    const key = a.drawKey!;
    if (holdsFamilyPlace(places.get(a.kkHash) ?? [], { key, pool })) {
      await recordEligibility(wave.waveId, a.accountId, { eligible: true, key, pool });
      count('eligible');
      if (pool === 'priority') count('priorityEligible');
    } else {
      await recordEligibility(wave.waveId, a.accountId, { eligible: false, reason: 'kk-cap' });
      count('excluded:kk-cap');
    }
  });
  return counts;
});

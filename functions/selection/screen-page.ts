import { drawKey, familyRank } from '#shared/domain/draw.ts';
import { screeningReasons } from '#shared/domain/screening.ts';
import { eachLimited } from '#shared/store/applicants.ts';
import { offerFamilyPlaces, recordScreening } from '#shared/store/draw.ts';
import { nikFlags } from '#shared/store/lists.ts';
import { segmentTask } from '#shared/workflows/segment-task.ts';

// Step 1: screen each applicant against the wave's rules and every list as it stands
// now, give each a draw key, and offer the screened-in a place of their family card.
export const handler = segmentTask('screen', async (page, wave, state) => {
  const offers: { kkHash: string; rank: string }[] = [];
  await eachLimited(page, 16, async (application) => {
    // Decided by an earlier run of this selection: keep what that run recorded.
    const decided = application.outcome !== 'JOINED' && application.drawKey !== undefined;
    const flags = decided ? undefined : await nikFlags(application.nikHash);
    const key = application.drawKey ?? drawKey(state.seed, application.accountId);
    const priority = flags ? flags.priorities.includes('laid-off') : application.priority === true;
    const reasons = flags ? screeningReasons(application, wave, flags) : (application.screenReasons ?? []);
    if (!decided)
      await recordScreening(wave.waveId, application.accountId, {
        drawKey: key,
        priority,
        screenReasons: reasons,
      });
    if (reasons.length === 0) {
      offers.push({
        kkHash: application.kkHash,
        rank: familyRank({ key, pool: priority ? 'priority' : 'general' }),
      });
    }
  });
  await offerFamilyPlaces(wave.waveId, offers);
  return { screened: page.length };
});

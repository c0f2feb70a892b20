import { nikFlagsOf } from '#contexts/lists/store/lists.ts';
import { registryVerified } from '#contexts/registry/rules/registry.ts';
import { checksOf } from '#contexts/registry/store/checks.ts';
import type { Counts, Outcome } from '#contexts/selection/items.ts';
import {
  bucketOf,
  drawKey,
  emptyHistogram,
  familyPlaces,
  type Pool,
} from '#contexts/selection/rules/draw.ts';
import { screeningReasons } from '#contexts/selection/rules/screening.ts';
import { segmentTask } from '#contexts/selection/segment-task.ts';
import { readOutcomes } from '#contexts/selection/store/applicants.ts';
import {
  familyPlacesLeft,
  type Screened,
  writeDrawPage,
  writeDrawSummary,
} from '#contexts/selection/store/draw.ts';

// Step 1: screen each applicant against the wave's rules and every list as it stands
// now, give each a draw key, and settle each family card's places: a page holds whole
// families (store/applicants.ts), so a card's members meet here and nowhere else. The
// page's result is one item (its eligible by draw bucket, the others with their reason);
// nothing is written per applicant. The segment's histogram goes to its summary item.
export const handler = segmentTask(
  'screen',
  async (page, wave, state, pageNumber) => {
    const ids = page.map((a) => a.accountId);
    // Four reads at once: the NIKs' flags, the registry's checks, the cards' earlier
    // participants, and (a resumed run) what an earlier attempt decided, which stands:
    // those applicants stay as screened.
    const [flags, checks, placesLeft, decided] = await Promise.all([
      nikFlagsOf(page.map((a) => a.nikHash)),
      checksOf(ids),
      familyPlacesLeft(
        wave.waveId,
        page.map((a) => a.kkHash),
      ),
      state.run > 1 ? readOutcomes(wave.waveId, ids) : new Map<string, Outcome>(),
    ]);
    const screened: (Screened & { kkHash: string; kept?: boolean })[] = page.map((a) => {
      const key = drawKey(state.seed, a.accountId);
      const before = decided.get(a.accountId);
      if (before) {
        const reason = before.eligible ? undefined : before.reason;
        return {
          accountId: a.accountId,
          key,
          pool: before.pool,
          kkHash: a.kkHash,
          kept: before.eligible,
          ...(reason ? { reason } : {}),
        };
      }
      const nik = flags.get(a.nikHash)!;
      const pool: Pool = nik.priorities.includes('laid-off') ? 'priority' : 'general';
      const verified = registryVerified(checks.get(a.accountId), a);
      const [reason] = screeningReasons(a, wave, { ...nik, registryVerified: verified });
      return { accountId: a.accountId, key, pool, kkHash: a.kkHash, ...(reason ? { reason } : {}) };
    });
    const families = new Map<string, typeof screened>();
    for (const s of screened) if (!s.reason) families.set(s.kkHash, [...(families.get(s.kkHash) ?? []), s]);
    for (const [kkHash, members] of families) {
      const placed = familyPlaces(members, placesLeft.get(kkHash)!);
      for (const m of members) if (!placed.has(m)) m.reason = 'kk-cap';
    }
    await writeDrawPage(
      { waveId: wave.waveId, run: state.run, segment: state.segment, page: pageNumber },
      screened,
    );

    const counts: Counts = { applicants: page.length };
    const histogram = emptyHistogram();
    for (const s of screened) {
      if (s.reason) {
        counts[`excluded:${s.reason}`] = (counts[`excluded:${s.reason}`] ?? 0) + 1;
        continue;
      }
      counts.eligible = (counts.eligible ?? 0) + 1;
      if (s.pool === 'priority') counts.priorityEligible = (counts.priorityEligible ?? 0) + 1;
      histogram[s.pool][bucketOf(s.key)]!++;
    }
    return { counts, histogram };
  },
  // The histogram (512 numbers) is kept out of the Map's output: 40 segments of it would
  // crowd Step Functions' 256 KB state. The cut reads the summaries instead.
  async (state) => {
    const { histogram = emptyHistogram(), ...rest } = state;
    await writeDrawSummary(state.waveId, state.run, state.segment, { counts: state.counts, histogram });
    return rest;
  },
);

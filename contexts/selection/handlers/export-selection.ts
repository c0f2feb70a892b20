import * as z from 'zod';
import { httpHandler } from '#contexts/http.ts';
import { exportSelection } from '#contexts/selection/routes.ts';
import { applicantPage, readOutcomes, type SegmentCursor } from '#contexts/selection/store/applicants.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { problems } from '#platform/http/problem.ts';
import { ApplicantIndexCursor, sealCursor, startOf } from '#platform/store/cursor.ts';

// The draw's input and output, for anyone checking it (scripts/verify-draw.ts): every
// applicant's id, pool, eligibility and outcome; no personal data.
const ExportCursor: z.ZodType<SegmentCursor> = z.strictObject({
  slice: z.number().int().min(0).max(255),
  start: ApplicantIndexCursor.optional(),
});

export const handler = httpHandler(exportSelection, async ({ params, query }) => {
  const wave = await getWave(params.waveId);
  if (!wave) throw problems.notFound('No such wave.');
  // Sealed per wave: a cursor of one wave's export is not one of another's.
  const list = `selection-export:${wave.waveId}`;
  const cursor = (await startOf(list, query.cursor, ExportCursor)) ?? { slice: 0 };
  const page = await applicantPage(wave.waveId, 0, 1, cursor, query.limit);
  const outcomes = await readOutcomes(
    wave.waveId,
    page.items.map((a) => a.accountId),
  );
  return {
    status: 200,
    body: {
      // Not yet decided (the selection has not announced it): still JOINED.
      items: page.items.map(({ accountId }) => {
        const o = outcomes.get(accountId);
        return {
          accountId,
          pool: o?.pool ?? ('general' as const),
          eligible: o?.eligible === true,
          outcome: o?.outcome ?? ('JOINED' as const),
          ...(o?.outcome === 'NOT_SELECTED' && o.reason ? { reason: o.reason } : {}),
        };
      }),
      nextCursor: await sealCursor(list, page.next),
    },
  };
});

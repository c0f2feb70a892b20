import { z } from 'zod';
import { exportSelection } from '#shared/contracts/selection.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { applicantPage, readApplications, type SegmentCursor } from '#shared/store/applicants.ts';
import { getWave } from '#shared/store/waves.ts';

// The draw's input and output, for anyone checking it (scripts/verify-draw.ts): every
// applicant's id, pool, eligibility and outcome; no personal data.
const CursorShape = z.object({
  slice: z.number().int().min(0).max(255),
  start: z.record(z.string(), z.string()).optional(),
});

function decode(cursor: string | undefined): SegmentCursor | null {
  if (!cursor) return { slice: 0 };
  try {
    return CursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

export const handler = httpHandler(exportSelection, async ({ params, query }) => {
  const wave = await getWave(params.waveId);
  if (!wave) throw problems.notFound('No such wave.');
  const cursor = decode(query.cursor);
  if (!cursor) throw problems.validation([{ path: 'cursor', message: 'not a cursor of this list' }]);
  const page = await applicantPage(wave.waveId, 0, 1, cursor, query.limit);
  const applications = await readApplications(
    wave.waveId,
    page.items.map((a) => a.accountId),
  );
  return {
    status: 200,
    body: {
      items: applications.map((a) => ({
        accountId: a.accountId,
        pool: a.priority ? ('priority' as const) : ('general' as const),
        eligible: a.eligible === true,
        outcome: a.outcome,
        ...(a.outcome === 'NOT_SELECTED' && a.reason ? { reason: a.reason } : {}),
      })),
      nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
    },
  };
});

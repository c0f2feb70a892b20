import { inactiveAccount } from '#contexts/accounts/account-guard.ts';
import { AccountInactive } from '#contexts/accounts/store/accounts.ts';
import { httpHandler } from '#contexts/http.ts';
import { answerSurvey } from '#contexts/purchases/routes.ts';
import { participantOf, recordSurvey } from '#contexts/purchases/store/purchases.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

// Survey incentives (DOMAIN.md: Rp 50,000 per survey, 3 or 2 surveys by scheme), paid
// like the training incentive only after a first completed course.
export const handler = httpHandler(answerSurvey, async ({ params, body, principal, idempotency }) => {
  const participant = (await participantOf(principal.accountId)) as
    | (Awaited<ReturnType<typeof participantOf>> & { completedCourses?: number })
    | undefined;
  if (!participant) throw problems.notFound('Only participants answer surveys.');
  const wave = await getWave(participant.waveId);
  if (!wave || params.n > wave.scheme.surveyCount)
    throw problems.notFound(`This scheme has ${wave?.scheme.surveyCount ?? 0} surveys.`);
  if (!participant.completedCourses)
    throw new Problem('not-completed', 'Surveys open after the first completed course.');
  const now = clock.now();
  const incentive = {
    kind: 'survey' as const,
    n: params.n,
    amountIdr: wave.scheme.surveyIncentiveIdr,
    dueDate: now.toISOString().slice(0, 10),
  };
  const reply = {
    status: 201,
    body: {
      n: params.n,
      incentive: {
        kind: incentive.kind,
        amountIdr: incentive.amountIdr,
        dueDate: incentive.dueDate,
        status: 'SCHEDULED' as const,
      },
    },
  };
  const kept = idempotency?.record(reply);
  const recorded = await recordSurvey(principal.accountId, incentive, body.answers, now, kept).catch(
    async (error) => {
      throw error instanceof AccountInactive ? await inactiveAccount(principal.accountId) : error;
    },
  );
  if (!recorded) throw new Problem('already-answered', `Survey ${params.n} has been answered.`);
  return reply;
});

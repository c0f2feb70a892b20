import { inactiveAccount } from '#contexts/accounts/account-guard.ts';
import { AccountInactive } from '#contexts/accounts/store/accounts.ts';
import { httpHandler } from '#contexts/http.ts';
import { reviewPurchase } from '#contexts/purchases/routes.ts';
import { incentivesAfterReview } from '#contexts/purchases/rules/purchases.ts';
import { getPurchase, participantOf, reviewPurchase as review } from '#contexts/purchases/store/purchases.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

export const handler = httpHandler(reviewPurchase, async ({ params, body, principal, idempotency }) => {
  const purchase = await getPurchase(params.purchaseId);
  // Another citizen's purchase does not exist for this one.
  if (purchase?.accountId !== principal.accountId) throw problems.notFound('No such purchase.');
  if (purchase.status !== 'COMPLETED')
    throw new Problem('not-completed', 'Review a course once it is completed.');
  const participant = await participantOf(principal.accountId);
  const wave = participant ? await getWave(participant.waveId) : undefined;
  const now = clock.now();
  const incentives = wave ? incentivesAfterReview(wave.scheme, now) : [];
  const reply = {
    status: 201,
    body: { purchaseId: purchase.purchaseId, rating: body.rating, reviewedAt: now.toISOString() },
  };
  const outcome = await review(purchase, body, incentives, now, idempotency?.record(reply)).catch(
    async (error) => {
      throw error instanceof AccountInactive ? await inactiveAccount(principal.accountId) : error;
    },
  );
  if (outcome === 'already-reviewed') throw new Problem('already-reviewed', 'This course has been reviewed.');
  if (outcome === 'not-completed')
    throw new Problem('not-completed', 'Review a course once it is completed.');
  return reply;
});

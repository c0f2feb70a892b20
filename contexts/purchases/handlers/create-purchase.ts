import { randomUUID } from 'node:crypto';
import { issueCode } from '#contexts/accounts/store/accounts.ts';
import { httpHandler } from '#contexts/http.ts';
import { purchaseView } from '#contexts/purchases/handlers/view.ts';
import type { Purchase } from '#contexts/purchases/items.ts';
import { createPurchase } from '#contexts/purchases/routes.ts';
import { type PurchaseRefusal, purchaseRefusal } from '#contexts/purchases/rules/purchases.ts';
import { cardHolderAndCourse, insertPurchase } from '#contexts/purchases/store/purchases.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

const REFUSALS: Record<PurchaseRefusal, string> = {
  'participation-revoked': 'The participation of this card has been revoked.',
  'deadline-passed': 'The deadline for buying a first course has passed.',
  'previous-course-not-completed': 'The participant must complete the course bought before.',
  'insufficient-balance': 'The card balance does not cover the price.',
};

export const handler = httpHandler(createPurchase, async ({ body, principal, idempotency }) => {
  const { participant, course } = await cardHolderAndCourse(
    body.cardNumber,
    principal.partnerId!,
    body.courseId,
  );
  if (!participant) throw problems.notFound('No such card.');
  if (!course) throw problems.notFound('No such course of this platform.');
  const now = clock.now();
  const refusal = purchaseRefusal(participant, course.priceIdr, now);
  if (refusal) throw new Problem(refusal, REFUSALS[refusal]);
  const { code, stored } = issueCode(now.getTime());
  const purchase: Purchase = {
    purchaseId: randomUUID(),
    partnerId: principal.partnerId!,
    courseId: course.courseId,
    courseTitle: course.title,
    institution: course.institution,
    priceIdr: course.priceIdr,
    accountId: participant.accountId,
    cardNumber: body.cardNumber,
    status: 'PENDING_OTP',
    createdAt: now.toISOString(),
    otp: stored,
  };
  const reply = { status: 201, body: purchaseView(purchase) };
  await insertPurchase(purchase, participant.phone, code, now, idempotency?.record(reply));
  return reply;
});

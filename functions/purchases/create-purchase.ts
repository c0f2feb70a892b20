import { randomUUID } from 'node:crypto';
import { purchaseView } from '#functions/purchases/view.ts';
import { clock } from '#shared/clock.ts';
import { createPurchase } from '#shared/contracts/purchases.ts';
import { type PurchaseRefusal, purchaseRefusal } from '#shared/domain/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import type { Purchase } from '#shared/items/purchases.ts';
import { issueCode } from '#shared/store/accounts.ts';
import { cardHolderAndCourse, insertPurchase } from '#shared/store/purchases.ts';

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

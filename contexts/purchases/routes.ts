import * as z from 'zod';
import { SIGNED } from '#contexts/catalog/routes.ts';
import { route } from '#platform/http/contract.ts';
import { Digits16, IsoDateTime, PageQuery, page } from '#platform/http/schemas.ts';
import { MapKey, MultiLine, SingleLine } from '#platform/http/text.ts';

const tags = ['purchases'];
const signedProblems = ['unauthorized', 'forbidden', 'rate-limited'] as const;

export const PurchaseView = z
  .object({
    purchaseId: z.string(),
    status: z.enum(['PENDING_OTP', 'PAID', 'REDEEMED', 'COMPLETED', 'CANCELLED']),
    courseId: z.string(),
    institution: z.object({ id: z.string(), name: z.string() }),
    priceIdr: z.number().int(),
    createdAt: z.string(),
    voucherCode: z.string().optional(),
    balanceAfterIdr: z.number().int().optional(),
    paidAt: z.string().optional(),
    redeemedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
    completedAt: z.string().optional(),
    certificateNumber: z.string().optional(),
  })
  .meta({ id: 'Purchase' });

export const PurchaseParams = z.object({ purchaseId: z.string().min(1).max(64) });

export const createPurchase = route({
  operationId: 'createPurchase',
  method: 'POST',
  path: '/v1/partner/purchases',
  access: 'platform',
  handler: 'purchases/create-purchase',
  event: 'PurchaseCreated',
  uses: { items: { card: 'read', course: 'read', participant: 'read', purchase: 'put', outbox: 'put' } },
  summary: `Start paying for one of the platform's courses with a Prakerja card; the participant gets an SMS code. ${SIGNED}`,
  tags,
  idempotent: true,
  keepsInTransaction: true,
  body: z
    .strictObject({ cardNumber: Digits16, courseId: z.string().min(1).max(64) })
    .meta({ id: 'CreatePurchase' }),
  responses: { 201: { description: 'Awaiting the code', schema: PurchaseView } },
  problems: [
    'validation',
    'not-found',
    'deadline-passed',
    'previous-course-not-completed',
    'participation-revoked',
    'insufficient-balance',
    ...signedProblems,
  ],
});

export const getPartnerPurchase = route({
  operationId: 'getPartnerPurchase',
  method: 'GET',
  path: '/v1/partner/purchases/{purchaseId}',
  access: 'platform',
  handler: 'purchases/get-purchase',
  uses: { items: { purchase: 'read' } },
  summary: `One of the platform's purchases. ${SIGNED}`,
  tags,
  params: PurchaseParams,
  responses: { 200: { description: 'The purchase', schema: PurchaseView } },
  problems: ['not-found', ...signedProblems],
});

export const confirmPurchase = route({
  operationId: 'confirmPurchase',
  method: 'POST',
  path: '/v1/partner/purchases/{purchaseId}/confirmation',
  access: 'platform',
  handler: 'purchases/confirm-purchase',
  event: 'PurchasePaid',
  uses: {
    items: {
      purchase: ['read', 'update'],
      participant: ['read', 'update'],
      ledgerEntry: 'put',
      voucher: 'put',
    },
  },
  summary: `The participant's SMS code: debits the balance exactly once and issues the voucher. ${SIGNED}`,
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: PurchaseParams,
  body: z.strictObject({ otp: z.string().regex(/^\d{6}$/, 'expected 6 digits') }),
  responses: { 200: { description: 'Paid', schema: PurchaseView } },
  problems: [
    'validation',
    'not-found',
    'invalid-code',
    'code-expired',
    'code-locked',
    'purchase-not-pending',
    'insufficient-balance',
    'previous-course-not-completed',
    'participation-revoked',
    ...signedProblems,
  ],
});

export const redeemPurchase = route({
  operationId: 'redeemPurchase',
  method: 'POST',
  path: '/v1/partner/purchases/{purchaseId}/redemption',
  access: 'platform',
  handler: 'purchases/redeem-purchase',
  uses: { items: { purchase: ['read', 'update'], voucher: 'read' } },
  summary: `The voucher presented at the training institution: training starts. ${SIGNED}`,
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: PurchaseParams,
  body: z.strictObject({ voucherCode: z.string().min(1).max(32) }),
  responses: { 200: { description: 'Redeemed', schema: PurchaseView } },
  problems: [
    'validation',
    'not-found',
    'voucher-already-used',
    'voucher-cancelled',
    'voucher-other-institution',
    'purchase-not-pending',
    ...signedProblems,
  ],
});

export const cancelPurchase = route({
  operationId: 'cancelPurchase',
  method: 'POST',
  path: '/v1/partner/purchases/{purchaseId}/cancellation',
  access: 'platform',
  handler: 'purchases/cancel-purchase',
  event: 'PurchaseCancelled',
  uses: { items: { purchase: ['read', 'update'], participant: ['read', 'update'], ledgerEntry: 'put' } },
  summary: `Cancel before redemption; a paid purchase's balance is restored. ${SIGNED}`,
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: PurchaseParams,
  responses: { 200: { description: 'Cancelled', schema: PurchaseView } },
  problems: ['not-found', 'not-cancellable', ...signedProblems],
});

export const completePurchase = route({
  operationId: 'completePurchase',
  method: 'POST',
  path: '/v1/partner/purchases/{purchaseId}/completion',
  access: 'platform',
  handler: 'purchases/complete-purchase',
  event: 'CourseCompleted',
  uses: { items: { purchase: ['read', 'update'], participant: 'update' } },
  summary: `The training is finished and certified; only after redemption. ${SIGNED}`,
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: PurchaseParams,
  body: z.strictObject({
    completedAt: IsoDateTime.describe(
      'When the training ended: not after our clock (5 minutes of skew allowed), not before the redemption',
    ),
    certificateNumber: SingleLine(64),
  }),
  responses: { 200: { description: 'Completed', schema: PurchaseView } },
  problems: ['validation', 'not-found', 'not-redeemed', ...signedProblems],
});

export const reviewPurchase = route({
  operationId: 'reviewPurchase',
  method: 'POST',
  path: '/v1/me/purchases/{purchaseId}/review',
  access: 'citizen',
  handler: 'purchases/review-purchase',
  event: 'IncentivesScheduled',
  uses: {
    items: {
      account: 'read',
      wave: 'read',
      purchase: ['read', 'update'],
      participant: ['read', 'update'],
      incentive: 'put',
    },
  },
  summary: "Rate and review a completed course; the first review schedules the scheme's incentives",
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: PurchaseParams,
  body: z.strictObject({
    rating: z.number().int().min(1).max(5),
    comment: MultiLine(2000),
  }),
  responses: {
    201: {
      description: 'Reviewed',
      schema: z.object({ purchaseId: z.string(), rating: z.number().int(), reviewedAt: z.string() }),
    },
  },
  problems: ['validation', 'not-found', 'not-completed', 'already-reviewed'],
});

export const IncentiveView = z.object({
  kind: z.enum(['incentive', 'survey']),
  amountIdr: z.number().int(),
  dueDate: z.string(),
  status: z.enum(['SCHEDULED', 'STAGED', 'PAID', 'FAILED']),
});

export const listIncentives = route({
  operationId: 'listIncentives',
  method: 'GET',
  path: '/v1/me/incentives',
  access: 'citizen',
  handler: 'purchases/citizen-reads',
  uses: { items: { incentive: 'read' } },
  summary: "The participant's incentives with their due dates",
  tags,
  responses: { 200: { description: 'Incentives', schema: z.object({ items: z.array(IncentiveView) }) } },
});

// Answers keyed by question (`q1`, `employedNow`; never a prototype name such as
// `constructor`), each a text, a whole number or a yes/no.
const MAX_ANSWERS = 50;
export const SurveyAnswer = z.union([
  MultiLine(2000, 0),
  z.number().int().min(0).max(1_000_000_000),
  z.boolean(),
]);

export const answerSurvey = route({
  operationId: 'answerSurvey',
  method: 'POST',
  path: '/v1/me/surveys/{n}',
  access: 'citizen',
  handler: 'purchases/answer-survey',
  uses: {
    items: { account: 'read', participant: 'read', wave: 'read', incentive: 'put', surveyAnswers: 'put' },
  },
  summary:
    "Answer survey n (1..the scheme's surveyCount) after the first completed course; schedules its incentive",
  tags,
  idempotent: true,
  keepsInTransaction: true,
  params: z.object({ n: z.coerce.number().int().min(1).max(10) }),
  body: z
    .strictObject({
      answers: z
        .record(MapKey, SurveyAnswer)
        .refine(
          (a) => Object.keys(a).length >= 1 && Object.keys(a).length <= MAX_ANSWERS,
          `1 to ${MAX_ANSWERS} answers`,
        ),
    })
    .meta({ id: 'SurveyAnswers' }),
  responses: {
    201: {
      description: 'Answered; the incentive is scheduled',
      schema: z.object({ n: z.number().int(), incentive: IncentiveView }),
    },
  },
  problems: ['validation', 'not-found', 'not-completed', 'already-answered'],
});

// The citizen's own purchases and surveys, for the dashboard. Served, with
// `listIncentives`, by one handler module (one Lambda: the stack's resources are few).

export const MyPurchaseView = z
  .object({
    purchaseId: z.string(),
    courseId: z.string(),
    courseTitle: z.string(),
    platform: z.object({ code: z.string(), name: z.string() }),
    institution: z.object({ id: z.string(), name: z.string() }).optional(),
    priceIdr: z.number().int(),
    status: z.enum(['PENDING_OTP', 'PAID', 'REDEEMED', 'COMPLETED', 'CANCELLED']),
    createdAt: z.string(),
    paidAt: z.string().optional(),
    redeemedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
    completedAt: z.string().optional(),
    certificateNumber: z.string().optional(),
    voucherCode: z
      .string()
      .optional()
      .describe('Only while PAID: the participant redeems it at the training institution'),
    reviewed: z.boolean(),
  })
  .meta({ id: 'MyPurchase' });

export const listMyPurchases = route({
  operationId: 'listMyPurchases',
  method: 'GET',
  path: '/v1/me/purchases',
  access: 'citizen',
  handler: 'purchases/citizen-reads',
  uses: { items: { partner: 'read', course: 'read' }, indexes: { GSI2: 'query' } },
  summary: "The participant's own purchases, newest first, with their state and whether they are reviewed",
  tags,
  query: PageQuery,
  responses: { 200: { description: 'Purchases', schema: page(MyPurchaseView) } },
  problems: ['validation'],
});

export const MySurveyView = z.object({
  n: z.number().int(),
  status: z.enum(['NOT_YET', 'OPEN', 'ANSWERED']),
  answeredAt: z.string().optional(),
});

export const listMySurveys = route({
  operationId: 'listMySurveys',
  method: 'GET',
  path: '/v1/me/surveys',
  access: 'citizen',
  handler: 'purchases/citizen-reads',
  uses: { items: { participant: 'read', surveyAnswers: 'read', wave: 'read' } },
  summary:
    "The scheme's surveys 1..surveyCount: NOT_YET before the first completed course, then OPEN until answered (none for a citizen who is not a participant)",
  tags,
  responses: {
    200: { description: 'Surveys', schema: z.object({ items: z.array(MySurveyView) }) },
  },
});

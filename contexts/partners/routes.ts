import * as z from 'zod';
import { MAX_RATE_PER_SECOND, PARTNER_STATUSES } from '#contexts/partners/rules/partners.ts';
import { route } from '#platform/http/contract.ts';
import { PageQuery, page } from '#platform/http/schemas.ts';
import { MultiLine, SingleLine } from '#platform/http/text.ts';

const tags = ['partners'];

export const CriteriaSchema = z
  .strictObject({
    nationalCoverage: z.boolean(),
    adequateSystems: z.boolean(),
    dataSecurity: z.boolean(),
    pseRegistered: z.boolean(),
  })
  .meta({ id: 'PartnerCriteria', description: 'Permenko 3/2020 art. 47: all four must hold to go LIVE' });

const Status = z.enum(PARTNER_STATUSES as [string, ...string[]]);

export const PartnerView = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    kind: z.enum(['platform', 'payment']),
    code: z.string(),
    status: Status,
    criteria: CriteriaSchema.nullable(),
    activeKeys: z.number().int(),
    rateLimitPerSecond: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Partner' });

export const PartnerParams = z.object({ partnerId: z.string().min(1).max(64) });

export const createPartner = route({
  operationId: 'createPartner',
  method: 'POST',
  path: '/v1/admin/partners',
  access: 'admin',
  handler: 'partners/create-partner',
  uses: { items: { partner: 'put', partnerAudit: 'put', partnerCode: 'put' } },
  summary: 'Register a digital platform or payment partner; it starts APPLIED',
  tags,
  idempotent: true,
  body: z
    .strictObject({
      name: SingleLine(100),
      kind: z.enum(['platform', 'payment']),
      code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'lower-case letters, digits and hyphens, 2-32'),
      rateLimitPerSecond: z
        .number()
        .int()
        .min(1)
        .max(MAX_RATE_PER_SECOND)
        .default(100)
        .meta({ description: 'Signed requests per second this partner may make; more get 429' }),
    })
    .meta({ id: 'CreatePartner' }),
  audit: {
    kind: 'partner.created',
    subject: 'response.partnerId',
    detail: { code: 'response.code', kind: 'response.kind', status: 'response.status' },
  },
  responses: { 201: { description: 'Registered', schema: PartnerView } },
  problems: ['validation', 'duplicate-partner-code'],
});

export const transitionPartner = route({
  operationId: 'transitionPartner',
  method: 'POST',
  path: '/v1/admin/partners/{partnerId}/transitions',
  access: 'admin',
  handler: 'partners/transition-partner',
  uses: { items: { partner: ['read', 'update'], partnerAudit: 'put' } },
  summary:
    'Move a partner along APPLIED -> MOU_SIGNED -> AGREEMENT_SIGNED -> INTEGRATING -> LIVE <-> SUSPENDED',
  tags,
  params: PartnerParams,
  body: z
    .strictObject({
      to: Status,
      note: MultiLine(1000),
      criteria: CriteriaSchema.optional(),
    })
    .meta({ id: 'PartnerTransition' }),
  // `from` is added by the handler (the state it found).
  audit: { kind: 'partner.transition', subject: 'params.partnerId', detail: { to: 'response.status' } },
  responses: { 200: { description: 'Moved', schema: PartnerView } },
  problems: ['validation', 'not-found', 'invalid-transition', 'criteria-not-met'],
});

export const issuePartnerKey = route({
  operationId: 'issuePartnerKey',
  method: 'POST',
  path: '/v1/admin/partners/{partnerId}/credentials',
  access: 'admin',
  handler: 'partners/issue-key',
  uses: { items: { partner: ['read', 'update'], partnerAudit: 'put', partnerCredential: 'put' } },
  summary: 'Issue a signing key; the secret is shown once. Two keys may be active during rotation',
  tags,
  params: PartnerParams,
  // The key id, never the secret.
  audit: { kind: 'partner.key-issued', subject: 'params.partnerId', detail: { keyId: 'response.keyId' } },
  responses: {
    201: {
      description: 'Issued',
      schema: z.object({ keyId: z.string(), secret: z.string(), partnerId: z.string() }),
    },
  },
  problems: ['not-found', 'too-many-keys'],
});

export const revokePartnerKey = route({
  operationId: 'revokePartnerKey',
  method: 'DELETE',
  path: '/v1/admin/partners/{partnerId}/credentials/{keyId}',
  access: 'admin',
  handler: 'partners/revoke-key',
  uses: { items: { partner: 'update', partnerAudit: 'put', partnerCredential: 'update' } },
  summary: 'Revoke a signing key at once',
  tags,
  params: PartnerParams.extend({ keyId: z.string().min(1).max(64) }),
  audit: { kind: 'partner.key-revoked', subject: 'params.partnerId', detail: { keyId: 'params.keyId' } },
  responses: {
    200: { description: 'Revoked', schema: z.object({ keyId: z.string(), status: z.literal('REVOKED') }) },
  },
  problems: ['not-found'],
});

export const listPartners = route({
  operationId: 'listPartners',
  method: 'GET',
  path: '/v1/admin/partners',
  access: 'staff',
  handler: 'partners/list-partners',
  uses: { indexes: { GSI1: 'query' } },
  summary: 'Partners by code, with status and criteria',
  tags,
  query: PageQuery,
  responses: { 200: { description: 'A page of partners', schema: page(PartnerView) } },
  problems: ['validation'],
});

export const PartnerDetailView = PartnerView.extend({
  keys: z.array(
    z.object({ keyId: z.string(), status: z.enum(['ACTIVE', 'REVOKED']), createdAt: z.string() }),
  ),
  audit: z.array(
    z.object({
      at: z.string(),
      by: z.string(),
      action: z.string(),
      from: z.string().optional(),
      to: z.string().optional(),
      keyId: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
});

export const getPartner = route({
  operationId: 'getPartner',
  method: 'GET',
  path: '/v1/admin/partners/{partnerId}',
  access: 'staff',
  handler: 'partners/get-partner',
  uses: { items: { partner: 'read', partnerAudit: 'read' }, indexes: { GSI1: 'query' } },
  summary: 'One partner with its keys (never their secrets) and its audit trail',
  tags,
  params: PartnerParams,
  responses: {
    200: {
      description: 'The partner',
      schema: PartnerDetailView,
    },
  },
  problems: ['not-found'],
});

export const PaymentPartnerView = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(['bank', 'e-wallet']),
  })
  .meta({ id: 'PaymentPartner' });

export const listPaymentPartners = route({
  operationId: 'listPaymentPartners',
  method: 'GET',
  path: '/v1/payment-partners',
  access: 'citizen',
  handler: 'partners/list-payment-partners',
  uses: { indexes: { GSI1: 'query' } },
  summary: 'The banks and e-wallets a payout account can be linked with now: the LIVE payment partners',
  tags,
  responses: {
    200: {
      description: 'Every LIVE payment partner, banks first (one page: nextCursor is null)',
      schema: page(PaymentPartnerView),
    },
  },
});

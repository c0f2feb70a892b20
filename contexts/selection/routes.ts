import * as z from 'zod';
import { WaveIdParams } from '#contexts/waves/routes.ts';
import { route } from '#platform/http/contract.ts';
import { PageQuery, page } from '#platform/http/schemas.ts';

const tags = ['selection'];
const Count = z.number().int().min(0);

export const StartSelectionBody = z
  .strictObject({
    seed: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .meta({ description: 'Published with the result: anyone can recompute the draw from it.' }),
    segments: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(16)
      .meta({ description: 'Parallel scan segments. Any number gives the same result.' }),
    pageSize: z.number().int().min(1).max(1000).default(500),
    pagesPerCall: z.number().int().min(1).max(100).default(20),
    acceptPending: z.boolean().default(false).meta({
      description:
        'Start although applicants still wait for their civil-registry check (they are screened out as registry-unverified); audited with their count. Without it such a wave answers 409 registry-checks-pending.',
    }),
  })
  .meta({ id: 'StartSelection' });

const Cutoffs = z.object({ reserved: z.string(), general: z.string() });

export const SelectionView = z
  .object({
    waveId: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    seed: z.string(),
    segments: z.number(),
    executionId: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    applicants: Count,
    eligible: Count,
    priorityEligible: Count,
    selected: Count,
    reservedSelected: Count,
    notSelected: Count,
    excludedByReason: z.record(z.string(), Count),
    cutoffs: Cutoffs.nullable().meta({
      description:
        'The last draw keys taken for the reserved quota and for the rest (see scripts/verify-draw.ts).',
    }),
    error: z.string().optional(),
  })
  .meta({ id: 'Selection' });

export const startSelection = route({
  operationId: 'startSelection',
  method: 'POST',
  path: '/v1/admin/waves/{waveId}/selection',
  access: 'admin',
  handler: 'selection/start-selection',
  uses: {
    items: {
      selection: ['read', 'put'],
      selectionLock: 'put',
      wave: ['read', 'update'],
      pendingApplicant: 'read',
    },
    // The wave's applicants still waiting for the registry, counted on their markers.
    indexes: { GSI1: 'query' },
    workflows: { selection: 'start' },
  },
  summary:
    "Start the wave's selection with a seed; a failed selection resumes with its own seed; 409 `registry-checks-pending` while applicants wait for the civil registry, unless `acceptPending`",
  tags,
  idempotent: true,
  params: WaveIdParams,
  body: StartSelectionBody,
  audit: {
    kind: 'selection.started',
    subject: 'params.waveId',
    detail: { executionId: 'response.executionId', seed: 'response.seed' },
  },
  responses: {
    202: {
      description: 'Started',
      schema: z.object({
        executionId: z.string(),
        waveId: z.string(),
        seed: z.string(),
        status: z.literal('RUNNING'),
      }),
    },
  },
  problems: [
    'validation',
    'not-found',
    'wave-not-closed',
    'selection-running',
    'already-announced',
    'seed-mismatch',
    'registry-checks-pending',
  ],
});

export const getSelection = route({
  operationId: 'getSelection',
  method: 'GET',
  path: '/v1/admin/waves/{waveId}/selection',
  access: 'staff',
  handler: 'selection/get-selection',
  uses: { items: { selection: ['read', 'update'] }, workflows: { selection: 'read' } },
  summary: "The selection's status, seed and counts",
  tags,
  params: WaveIdParams,
  responses: { 200: { description: 'The selection', schema: SelectionView } },
  problems: ['not-found'],
});

export const exportSelection = route({
  operationId: 'exportSelection',
  method: 'GET',
  path: '/v1/admin/waves/{waveId}/selection/export',
  access: 'staff',
  handler: 'selection/export-selection',
  uses: { items: { outcome: 'read', wave: 'read' }, indexes: { GSI2: 'query' } },
  summary: 'Every applicant with pool, eligibility and outcome: the input to recompute the draw',
  tags,
  params: WaveIdParams,
  query: PageQuery,
  responses: {
    200: {
      description: 'A page of applicants',
      schema: page(
        z.object({
          accountId: z.string(),
          pool: z.enum(['priority', 'general']),
          eligible: z.boolean(),
          outcome: z.enum(['JOINED', 'SELECTED', 'NOT_SELECTED']),
          reason: z.string().optional(),
        }),
      ),
    },
  },
  problems: ['validation', 'not-found'],
});

export const FunnelView = z.object({
  waveId: z.string(),
  quota: Count,
  pendingRegistryChecks: Count.meta({
    description:
      'Applicants whose civil-registry check is still pending: a draw now would screen them out (docs/registry.md).',
  }),
  stages: z.array(z.object({ stage: z.string(), count: Count })),
});

export const getFunnel = route({
  operationId: 'getFunnel',
  method: 'GET',
  path: '/v1/admin/waves/{waveId}/funnel',
  access: 'staff',
  handler: 'selection/get-funnel',
  // Before the selection has counted, the applicants are counted on their index (GSI2).
  // And the applicants still waiting for the registry, on their markers (GSI1).
  uses: {
    items: { selection: 'read', wave: 'read', pendingApplicant: 'read' },
    indexes: { GSI1: 'query', GSI2: 'query' },
  },
  summary: 'How many applicants remain after each stage of screening and the draw',
  tags,
  params: WaveIdParams,
  responses: {
    200: {
      description: 'The funnel',
      schema: FunnelView,
    },
  },
  problems: ['not-found'],
});

export const QuotaPoolView = z
  .object({ availablePlaces: Count, revokedPlaces: Count, drawnPlaces: Count, returnedIdr: Count })
  .meta({ id: 'QuotaPool' });

export const getQuotaPool = route({
  operationId: 'getQuotaPool',
  method: 'GET',
  path: '/v1/admin/quota-pool',
  access: 'staff',
  handler: 'selection/get-quota-pool',
  uses: { items: { quotaPool: 'read' } },
  summary: 'Places freed by revoked participants, for a later wave; balances returned to the treasury',
  tags,
  responses: { 200: { description: 'The pool', schema: QuotaPoolView } },
  problems: [],
});

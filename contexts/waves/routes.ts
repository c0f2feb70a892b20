import * as z from 'zod';
import { admittedIndexes, admittedUses } from '#contexts/admission/uses.ts';
import { route } from '#platform/http/contract.ts';
import { IsoDateTime, PageQuery, page } from '#platform/http/schemas.ts';
import { SingleLine } from '#platform/http/text.ts';

const tags = ['waves'];
const Rupiah = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const SchemeSchema = z
  .strictObject({
    trainingBalanceIdr: Rupiah,
    incentiveIdr: Rupiah,
    incentiveMonths: z.number().int().min(0).max(12),
    surveyIncentiveIdr: Rupiah,
    surveyCount: z.number().int().min(0).max(10),
  })
  .meta({ id: 'Scheme' });

export const CreateWaveBody = z
  .strictObject({
    name: SingleLine(100),
    opensAt: IsoDateTime,
    closesAt: IsoDateTime,
    quota: z.number().int().min(1).max(10_000_000),
    reservedQuota: z.number().int().min(0).max(10_000_000).default(0),
    quotaFromPool: z.number().int().min(0).max(10_000_000).default(0).meta({
      description: 'How many of the quota are places freed by revocations (GET /v1/admin/quota-pool)',
    }),
    purchaseDeadlineDays: z.number().int().min(1).max(90),
    minAge: z.number().int().min(15).max(100).default(18),
    maxAge: z.number().int().min(15).max(120).optional(),
    excludeOtherAidRecipients: z.boolean().default(true),
    scheme: SchemeSchema,
  })
  .refine((w) => Date.parse(w.closesAt) > Date.parse(w.opensAt), {
    path: ['closesAt'],
    message: 'must be after opensAt',
  })
  .refine((w) => w.reservedQuota <= w.quota, { path: ['reservedQuota'], message: 'must not exceed quota' })
  .refine((w) => w.quotaFromPool <= w.quota, { path: ['quotaFromPool'], message: 'must not exceed quota' })
  .refine((w) => w.maxAge === undefined || w.maxAge >= w.minAge, {
    path: ['maxAge'],
    message: 'must be at least minAge',
  })
  .meta({ id: 'CreateWave' });

export const WaveView = z
  .object({
    waveId: z.string(),
    name: z.string(),
    opensAt: z.string(),
    closesAt: z.string(),
    quota: z.number(),
    reservedQuota: z.number(),
    quotaFromPool: z.number(),
    purchaseDeadlineDays: z.number(),
    minAge: z.number(),
    maxAge: z.number().optional(),
    excludeOtherAidRecipients: z.boolean(),
    scheme: SchemeSchema,
    status: z.enum(['SCHEDULED', 'OPEN', 'CLOSED', 'SELECTING', 'ANNOUNCED']),
  })
  .meta({ id: 'Wave' });

export const createWave = route({
  operationId: 'createWave',
  method: 'POST',
  path: '/v1/admin/waves',
  access: 'admin',
  handler: 'waves/create-wave',
  uses: { items: { wave: 'put', quotaPool: ['read', 'update'] } },
  summary: 'Create an enrollment wave with its window, quota and benefit scheme',
  tags,
  idempotent: true,
  body: CreateWaveBody,
  audit: {
    kind: 'wave.created',
    subject: 'response.waveId',
    detail: {
      name: 'response.name',
      quota: 'response.quota',
      opensAt: 'response.opensAt',
      closesAt: 'response.closesAt',
    },
  },
  responses: { 201: { description: 'Created', schema: WaveView } },
  problems: ['validation', 'quota-pool-insufficient'],
});

export const listWaves = route({
  operationId: 'listWaves',
  method: 'GET',
  path: '/v1/waves',
  access: 'public',
  handler: 'waves/list-waves',
  uses: { indexes: { GSI1: 'query' }, secrets: true },
  summary: 'Waves by opening time, with their status on the backend clock',
  tags,
  query: PageQuery,
  responses: { 200: { description: 'A page of waves', schema: page(WaveView) } },
  problems: ['validation'],
});

export const WaveIdParams = z.object({ waveId: z.string().min(1).max(64) });

export const joinWave = route({
  operationId: 'joinWave',
  method: 'POST',
  path: '/v1/me/waves/{waveId}/join',
  access: 'citizen',
  handler: 'waves/join-wave',
  event: 'WaveJoined',
  uses: {
    indexes: admittedIndexes,
    items: {
      account: 'read',
      application: ['read', 'put'],
      incentive: 'read',
      ledgerEntry: 'read',
      outcome: 'read',
      participant: 'read',
      payoutAccount: 'read',
      payoutEntry: 'read',
      profile: ['read', 'update'],
      surveyAnswers: 'read',
      // Read by the Query of the account's partition; put when a profile has no check yet,
      // updated (the wave listed) with the wave's marker while it pends
      // (contexts/registry/store/checks.ts joinCheckWrites).
      registryCheck: ['read', 'put', 'update'],
      pendingApplicant: ['read', 'put'],
      wave: 'read',
      ...admittedUses,
    },
    queues: { 'registry-checks': 'send' },
  },
  summary:
    'Join an open wave ("Gabung") and accept its terms; while the waiting room is on, with an X-Admission-Token (403 `admission-required`, `admission-used`)',
  tags,
  params: WaveIdParams,
  responses: {
    201: {
      description: 'Joined',
      schema: z.object({ waveId: z.string(), joinedAt: z.string(), outcome: z.literal('JOINED') }),
    },
  },
  problems: [
    'not-found',
    'not-verified',
    'profile-incomplete',
    'wave-not-open',
    'already-joined',
    'already-participant',
    'ineligible',
    'admission-required',
    'admission-used',
  ],
});

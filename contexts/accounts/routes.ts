import * as z from 'zod';
import { admittedIndexes, admittedUses } from '#contexts/admission/uses.ts';
import { route } from '#platform/http/contract.ts';
import { Email, IsoDate, Phone, page } from '#platform/http/schemas.ts';
import { SingleLine } from '#platform/http/text.ts';

const tags = ['accounts'];

export const CreateAccountBody = z
  .strictObject({
    fullName: SingleLine(100),
    email: Email,
    password: z.string().min(10).max(128),
    phone: Phone,
  })
  .meta({ id: 'CreateAccount' });

export const createAccount = route({
  operationId: 'createAccount',
  method: 'POST',
  path: '/v1/accounts',
  access: 'public',
  handler: 'accounts/create-account',
  event: 'AccountRegistered',
  uses: {
    indexes: admittedIndexes,
    items: {
      account: 'put',
      emailMarker: 'put',
      phoneMarker: 'put',
      outbox: 'put',
      ...admittedUses,
    },
    secrets: true,
  },
  summary:
    'Register a citizen account; sends the email verification code only (the phone is verified when it is first needed: POST /v1/accounts/codes with channel "phone"). While the waiting room is on, an X-Admission-Token is needed (403 `admission-required`, `admission-used`)',
  tags,
  idempotent: true,
  body: CreateAccountBody,
  responses: { 201: { description: 'Created', schema: z.object({ accountId: z.string() }) } },
  problems: ['validation', 'duplicate-email', 'duplicate-phone', 'admission-required', 'admission-used'],
});

export const verifyAccount = route({
  operationId: 'verifyAccount',
  method: 'POST',
  path: '/v1/accounts/verify',
  access: 'public',
  handler: 'accounts/verify-account',
  event: 'ChannelVerified',
  uses: { items: { account: 'update', emailMarker: ['read', 'update'], phoneMarker: 'update' } },
  summary:
    'Confirm the email or the phone with the code that was sent; the email makes the account permanent, the phone is needed before the first purchase and a payout account',
  tags,
  body: z.strictObject({
    email: Email,
    channel: z.enum(['email', 'phone']),
    code: z.string().regex(/^\d{6}$/, 'expected a 6-digit code'),
  }),
  responses: {
    200: {
      description: 'Verified',
      schema: z.object({ channel: z.enum(['email', 'phone']), verified: z.literal(true) }),
    },
  },
  problems: ['validation', 'invalid-code', 'code-expired', 'code-locked'],
});

export const resendCode = route({
  operationId: 'resendCode',
  method: 'POST',
  path: '/v1/accounts/codes',
  access: 'public',
  handler: 'accounts/resend-code',
  uses: { items: { emailMarker: ['read', 'update'], outbox: 'put' } },
  summary:
    'Send a fresh verification code on one channel (at most one a minute per channel); the phone is verified this way when it is first needed',
  tags,
  body: z.strictObject({ email: Email, channel: z.enum(['email', 'phone']) }),
  responses: { 202: { description: 'Sent if the account exists and is not yet verified' } },
  problems: ['validation'],
});

export const createSession = route({
  operationId: 'createSession',
  method: 'POST',
  path: '/v1/sessions',
  access: 'public',
  handler: 'accounts/create-session',
  uses: { items: { emailMarker: 'update', signInCounter: 'update', outbox: 'put' }, secrets: true },
  summary:
    'Sign in with email and password (citizens and administrators); after 5 failures in a row, a back-off of 1 to 15 minutes (429 with Retry-After)',
  tags,
  body: z.strictObject({ email: Email, password: z.string().min(1).max(128) }),
  responses: {
    200: {
      description: 'Signed in',
      schema: z.object({
        accessToken: z.string(),
        role: z.enum(['citizen', 'admin', 'approver']),
        expiresIn: z.number(),
      }),
    },
  },
  problems: ['validation', 'invalid-credentials', 'rate-limited'],
});

export const Declarations = z.strictObject({
  student: z.boolean(),
  civilServant: z.boolean(),
  militaryOrPolice: z.boolean(),
  villageOfficial: z.boolean(),
  stateEnterpriseBoard: z.boolean(),
  otherAidRecipient: z.boolean(),
});

export const ProfileBody = z
  .strictObject({
    nik: z.string().regex(/^\d{16}$/, 'expected 16 digits'),
    kk: z.string().regex(/^\d{16}$/, 'expected 16 digits'),
    birthDate: IsoDate,
    gender: z.enum(['M', 'F']),
    provinceCode: z.string().regex(/^\d{2}$/, 'expected a 2-digit province code'),
    education: z.enum([
      'none',
      'primary',
      'junior_high',
      'senior_high',
      'diploma',
      'bachelor',
      'postgraduate',
    ]),
    workStatus: z.enum(['unemployed', 'laid_off', 'employed', 'micro_business']),
    declarations: Declarations,
  })
  .meta({ id: 'Profile' });

export const ProfileView = z
  .object({
    nikMasked: z.string().meta({ description: 'First 6 and last 4 digits, e.g. 320101******0001' }),
    kkMasked: z.string(),
    birthDate: IsoDate,
    gender: z.enum(['M', 'F']),
    provinceCode: z.string(),
    education: z.string(),
    workStatus: z.string(),
    declarations: Declarations,
    updatedAt: z.string(),
  })
  .meta({ id: 'ProfileView' });

export const Me = z
  .object({
    accountId: z.string(),
    fullName: z.string(),
    email: z.string(),
    phone: z.string(),
    role: z.enum(['citizen', 'admin', 'approver']),
    verification: z.object({ email: z.boolean(), phone: z.boolean() }),
    profile: ProfileView.nullable(),
    profileComplete: z.boolean(),
    waves: z.array(z.object({ waveId: z.string(), outcome: z.string(), joinedAt: z.string().optional() })),
    participant: z
      .object({
        cardNumber: z.string(),
        balanceIdr: z.number().int(),
        status: z.enum(['ACTIVE', 'REVOKED']),
        purchaseDeadline: z.string(),
      })
      .nullable(),
    payoutAccount: z
      .object({
        partnerCode: z.string(),
        accountNumberMasked: z.string(),
        status: z.enum(['PENDING_VERIFICATION', 'VERIFIED', 'REJECTED']),
        reason: z.string().optional(),
      })
      .nullable(),
    registryCheck: z.enum(['PENDING', 'VERIFIED', 'FAILED']).nullable().meta({
      description:
        "The civil registry's (Dukcapil) check of the profile's NIK, name and birth date: null before a profile is saved; only VERIFIED applicants can be drawn",
    }),
  })
  .meta({ id: 'Me' });

export const putProfile = route({
  operationId: 'putProfile',
  method: 'PUT',
  path: '/v1/me/profile',
  access: 'citizen',
  handler: 'accounts/put-profile',
  event: 'ProfileSaved',
  uses: {
    items: { account: 'read', profile: 'update', nikMarker: ['update', 'delete'], registryCheck: 'put' },
    queues: { 'registry-checks': 'send' },
  },
  summary:
    'Set the personal data; the NIK is checked against birth date, gender and province, then against the civil registry (registryCheck in GET /v1/me)',
  tags,
  body: ProfileBody,
  responses: { 200: { description: 'Saved', schema: ProfileView } },
  problems: [
    'validation',
    'invalid-nik',
    'invalid-kk',
    'not-verified',
    'duplicate-nik',
    'nik-locked',
    'profile-locked',
  ],
});

export const ProfileCorrectionBody = z
  .strictObject({
    kk: z
      .string()
      .regex(/^\d{16}$/, 'expected 16 digits')
      .optional(),
    declarations: Declarations.optional(),
    reason: SingleLine(500).meta({ description: 'Why: the document or request the correction rests on' }),
  })
  .refine((b) => b.kk !== undefined || b.declarations !== undefined, {
    message: 'kk or declarations: what to correct',
    path: ['kk'],
  })
  .meta({ id: 'ProfileCorrection' });

export const ProfileCorrected = z
  .object({
    accountId: z.string(),
    changed: z.array(z.enum(['kk', 'declarations', 'birthDate'])).meta({
      description: 'The locked fields the correction changed (empty: nothing differed, nothing written)',
    }),
    applications: z
      .array(z.string())
      .meta({ description: 'Waves whose application (selection not started) now holds the correction' }),
    profile: ProfileView,
  })
  .meta({ id: 'ProfileCorrected' });

export const correctProfile = route({
  operationId: 'correctProfile',
  method: 'PUT',
  path: '/v1/admin/accounts/{accountId}/profile-correction',
  access: 'admin',
  handler: 'accounts/correct-profile',
  uses: {
    items: {
      profile: ['read', 'update'],
      participant: 'read',
      application: ['read', 'put'],
      outcome: 'read',
      familyCard: ['read', 'update'],
      selection: 'read',
    },
  },
  summary:
    "Correct a citizen's family card (KK) or declarations once they are locked by a wave join, with the reason; a participant moves to the corrected card only if it has fewer than two participants",
  tags,
  params: z.object({ accountId: z.string().min(1).max(64) }),
  body: ProfileCorrectionBody,
  // Before and after (the KK masked) come from the handler.
  audit: { kind: 'profile.corrected', subject: 'params.accountId', detail: { reason: 'body.reason' } },
  responses: { 200: { description: 'Corrected', schema: ProfileCorrected } },
  problems: ['validation', 'invalid-kk', 'not-found', 'family-card-full'],
});

export const getMe = route({
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  access: 'citizen',
  handler: 'accounts/get-me',
  uses: {
    items: {
      account: 'read',
      application: 'read',
      incentive: 'read',
      ledgerEntry: 'read',
      outcome: 'read',
      participant: 'read',
      payoutAccount: 'read',
      payoutEntry: 'read',
      profile: 'read',
      surveyAnswers: 'read',
      emailMarker: 'read',
      registryCheck: 'read',
      // In the account's partition while a joined wave's check pends (contexts/registry).
      pendingApplicant: 'read',
    },
  },
  summary:
    "The account, its profile (NIK masked), verification state, the civil registry's check, waves and participation",
  tags,
  responses: { 200: { description: 'The account', schema: Me } },
});

export const AdministratorView = z
  .object({
    accountId: z.string(),
    fullName: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'approver']),
  })
  .meta({ id: 'Administrator' });

export const listAdministrators = route({
  operationId: 'listAdministrators',
  method: 'GET',
  path: '/v1/admin/administrators',
  access: 'staff',
  handler: 'accounts/list-administrators',
  uses: { items: { account: 'read' } },
  summary:
    'Administrators and approvers by accountId (the actors of the audit trail, the makers and checkers of payout runs), with name and email; other ids are left out',
  tags,
  query: z.object({
    ids: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,49}$/, 'up to 50 accountIds, comma-separated')
      .meta({ description: 'Comma-separated accountIds, at most 50' }),
  }),
  responses: {
    200: {
      description: 'The administrators among the ids asked for (one page: nextCursor is null)',
      schema: page(AdministratorView),
    },
  },
  problems: ['validation'],
});

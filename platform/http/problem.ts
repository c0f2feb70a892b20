// RFC 9457 problem details. A Problem is an expected refusal: its status is < 500 and
// its title and detail are safe to show. Anything else thrown becomes a bare 500.
export const PROBLEM_BASE = 'https://prakerja.example/problems/';

/**
 * Every problem type the API answers, once: its slug (the stable part of `type`), status
 * and title. Contracts list the slugs they may answer (typed, so a typo does not compile),
 * the OpenAPI document and the table of docs/api.md are read off this catalogue.
 */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Invalid request' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'invalid-code': { status: 400, title: 'Invalid code' },
  'code-expired': { status: 400, title: 'Code expired' },
  'invalid-nik': { status: 400, title: 'Invalid NIK' },
  'invalid-kk': { status: 400, title: 'Invalid KK number' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  'invalid-credentials': { status: 401, title: 'Invalid credentials' },
  forbidden: { status: 403, title: 'Forbidden' },
  'admission-required': { status: 403, title: 'Admission required' },
  'admission-used': { status: 403, title: 'Admission already used' },
  ineligible: { status: 403, title: 'Not eligible' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'duplicate-email': { status: 409, title: 'Email already registered' },
  'duplicate-phone': { status: 409, title: 'Phone already registered' },
  'duplicate-nik': { status: 409, title: 'NIK already registered' },
  'nik-locked': { status: 409, title: 'NIK locked' },
  'profile-locked': { status: 409, title: 'Profile locked since a wave was joined' },
  'family-card-full': { status: 409, title: 'Family card already has two participants' },
  'code-locked': { status: 409, title: 'Code locked' },
  'not-verified': { status: 409, title: 'Not verified' },
  'phone-not-verified': { status: 409, title: 'Phone not verified' },
  'profile-incomplete': { status: 409, title: 'Profile incomplete' },
  'wave-not-open': { status: 409, title: 'Wave not open' },
  'already-joined': { status: 409, title: 'Already joined' },
  'already-participant': { status: 409, title: 'Already a participant' },
  'idempotency-in-progress': { status: 409, title: 'Request in progress' },
  'wave-not-closed': { status: 409, title: 'Wave not closed' },
  'selection-running': { status: 409, title: 'A selection is running' },
  'already-announced': { status: 409, title: 'Selection already announced' },
  'seed-mismatch': { status: 409, title: 'Selection started with another seed' },
  'registry-checks-pending': { status: 409, title: 'Civil-registry checks pending' },
  'quota-pool-insufficient': { status: 409, title: 'Quota pool too small' },
  'duplicate-partner-code': { status: 409, title: 'Partner code taken' },
  'invalid-transition': { status: 409, title: 'Transition not allowed' },
  'criteria-not-met': { status: 409, title: 'Criteria not met' },
  'too-many-keys': { status: 409, title: 'Two keys already active' },
  'deadline-passed': { status: 409, title: 'Purchase deadline passed' },
  'previous-course-not-completed': { status: 409, title: 'Previous course not completed' },
  'participation-revoked': { status: 409, title: 'Participation revoked' },
  'insufficient-balance': { status: 409, title: 'Insufficient balance' },
  'purchase-not-pending': { status: 409, title: 'Purchase not awaiting confirmation' },
  'voucher-already-used': { status: 409, title: 'Voucher already used' },
  'voucher-cancelled': { status: 409, title: 'Voucher cancelled' },
  'voucher-other-institution': { status: 409, title: "Another institution's voucher" },
  'not-cancellable': { status: 409, title: 'Purchase can no longer be cancelled' },
  'not-redeemed': { status: 409, title: 'Voucher not redeemed yet' },
  'not-completed': { status: 409, title: 'Course not completed' },
  'already-reviewed': { status: 409, title: 'Already reviewed' },
  'already-answered': { status: 409, title: 'Survey already answered' },
  'not-participant': { status: 409, title: 'Not a participant' },
  'partner-not-live': { status: 409, title: 'Payment partner not live' },
  'payout-in-progress': { status: 409, title: 'A payout run holds an incentive' },
  'duplicate-payout-account': { status: 409, title: 'Payout account linked to another participant' },
  'payout-account-changed': { status: 409, title: 'Payout account changed meanwhile' },
  'payout-account-not-pending': { status: 409, title: 'Payout account not awaiting a code' },
  'over-budget': { status: 409, title: 'Over budget' },
  'period-not-open': { status: 409, title: 'Period not open' },
  'own-run': { status: 403, title: 'Own payout run' },
  'run-not-awaiting-approval': { status: 409, title: 'Run not awaiting approval' },
  'run-not-settled': { status: 409, title: 'Run not settled' },
  'run-not-cancellable': { status: 409, title: 'Run already approved or ended' },
  'run-open-for-period': { status: 409, title: 'A run of this period is open' },
  'nothing-due': { status: 409, title: 'Nothing due' },
  'partner-unavailable': { status: 503, title: 'Payment partner unavailable' },
  'import-incomplete': { status: 503, title: 'Import not finished in time' },
  'account-exists': { status: 409, title: 'Account number already held' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused' },
  'rate-limited': { status: 429, title: 'Too many requests' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class Problem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly options: {
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      /** When to ask again: the Retry-After header and a `retryAfterSeconds` field. */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(detail ?? slug);
    ({ status: this.status, title: this.title } = PROBLEM_TYPES[slug]);
  }

  toBody(): ProblemBody {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.options.errors ? { errors: this.options.errors } : {}),
      ...this.options.extensions,
      ...(this.options.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: this.options.retryAfterSeconds }
        : {}),
    };
  }
}

/** The refusals the HTTP layer itself makes, with their usual wording. */
export const problems = {
  validation: (errors: FieldError[], detail = 'The request does not match the schema.') =>
    new Problem('validation', detail, { errors }),
  malformedJson: () => new Problem('malformed-json', 'The body is not valid UTF-8 JSON.'),
  unauthorized: (detail = 'Missing or invalid credentials.') => new Problem('unauthorized', detail),
  forbidden: (detail = 'You are not allowed to do this.') => new Problem('forbidden', detail),
  notFound: (detail = 'No such resource.') => new Problem('not-found', detail),
  tooLarge: (maxBytes = 64 * 1024) =>
    new Problem('payload-too-large', `The body is over ${maxBytes / 1024} KiB.`),
  methodNotAllowed: () => new Problem('method-not-allowed'),
} as const;

export function serverErrorBody(): ProblemBody {
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal server error', status: 500 };
}

// What the console reads from the API (shared/contracts/*.ts); only the fields shown.
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Scheme {
  trainingBalanceIdr: number;
  incentiveIdr: number;
  incentiveMonths: number;
  surveyIncentiveIdr: number;
  surveyCount: number;
}

export interface Wave {
  waveId: string;
  name: string;
  opensAt: string;
  closesAt: string;
  quota: number;
  reservedQuota: number;
  quotaFromPool: number;
  purchaseDeadlineDays: number;
  minAge: number;
  maxAge?: number;
  excludeOtherAidRecipients: boolean;
  scheme: Scheme;
  status: 'SCHEDULED' | 'OPEN' | 'CLOSED' | 'SELECTING' | 'ANNOUNCED';
}

export interface Funnel {
  waveId: string;
  quota: number;
  stages: { stage: string; count: number }[];
}

export interface Selection {
  waveId: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  seed: string;
  startedAt: string;
  finishedAt: string | null;
  applicants: number;
  eligible: number;
  priorityEligible: number;
  selected: number;
  reservedSelected: number;
  notSelected: number;
  excludedByReason: Record<string, number>;
  error?: string;
}

export interface Criteria {
  nationalCoverage: boolean;
  adequateSystems: boolean;
  dataSecurity: boolean;
  pseRegistered: boolean;
}

export interface Partner {
  partnerId: string;
  name: string;
  kind: 'platform' | 'payment';
  code: string;
  status: string;
  criteria: Criteria | null;
  activeKeys: number;
  rateLimitPerSecond: number;
  createdAt: string;
}

export interface PartnerDetail extends Partner {
  keys: { keyId: string; status: 'ACTIVE' | 'REVOKED'; createdAt: string }[];
  audit: {
    at: string;
    by: string;
    action: string;
    from?: string;
    to?: string;
    keyId?: string;
    note?: string;
  }[];
}

export interface Tally {
  instructions: number;
  amountIdr: number;
  byStatus: { PAID: number; FAILED: number; PENDING: number };
  paidIdr: number;
  failedIdr: number;
}

export interface ReconciliationCounts {
  matched: number;
  missingAtPartner: number;
  unknownAtPartner: number;
  amountMismatches: number;
}

export type RunStatus =
  | 'STAGING'
  | 'AWAITING_APPROVAL'
  | 'DISBURSING'
  | 'COMPLETED'
  | 'COMPLETED_WITH_FAILURES';

export interface PayoutRun {
  runId: string;
  period: string;
  budgetIdr: number;
  status: RunStatus;
  createdBy: string;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  completedAt?: string;
  budgetReached?: boolean;
  totals: Tally & { byPartner: Record<string, Tally> };
  reconciliation?: ReconciliationCounts & { at: string };
}

export interface Instruction {
  instructionId: string;
  partnerCode: string;
  accountNumberMasked: string;
  amountIdr: number;
  status: 'PENDING' | 'PAID' | 'FAILED';
  incentive: { kind: 'incentive' | 'survey'; n: number; dueDate: string };
  partnerReference?: string;
  reason?: string;
  settledAt?: string;
}

export interface Reconciliation extends ReconciliationCounts {
  at: string;
  byPartner: Record<string, ReconciliationCounts>;
  differences: {
    instructionId: string;
    partnerCode: string;
    kind: 'missingAtPartner' | 'unknownAtPartner' | 'amountMismatch';
    ourAmountIdr?: number;
    partnerAmountIdr?: number;
  }[];
}

export interface AuditItem {
  at: string;
  actor: string;
  role: string;
  kind: string;
  subject: string;
  detail: Record<string, unknown>;
}

export interface Totals {
  purchases: number;
  paid: number;
  redemptions: number;
  completions: number;
  cancellations: number;
  amountIdr: number;
}

export interface PurchaseReport {
  platforms: (Totals & {
    partnerId: string;
    code: string;
    name: string;
    feeFree: boolean;
    institutions: (Totals & { id: string; name: string })[];
  })[];
  privatePlatforms: Totals;
  governmentPlatform: Totals;
}

/** What the shell gives each page: the parameters of its route (`/waves/:waveId`). */
export interface PageProps {
  params: Record<string, string>;
}

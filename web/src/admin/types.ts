import type { z } from 'zod';
import type { AdministratorView } from '#contexts/accounts/routes.ts';
import type { AuditItem as AuditItemView } from '#contexts/audit/routes.ts';
import type { CriteriaSchema, PartnerDetailView, PartnerView } from '#contexts/partners/routes.ts';
import type { InstructionView, PayoutRunView, ReconciliationView } from '#contexts/payouts/routes.ts';
import type { PurchaseReportView } from '#contexts/reports/routes.ts';
import type { FunnelView, SelectionView } from '#contexts/selection/routes.ts';
import type { SchemeSchema, WaveView } from '#contexts/waves/routes.ts';

// What the console reads from the API: the contracts' own response schemas, as types only
// (erased by the build, so neither zod nor the contracts reach the browser).
type Output<S> = S extends z.ZodType ? z.output<S> : never;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Scheme = Output<typeof SchemeSchema>;
export type Wave = Output<typeof WaveView>;
export type Funnel = Output<typeof FunnelView>;
export type Selection = Output<typeof SelectionView>;
export type Criteria = Output<typeof CriteriaSchema>;
export type Partner = Output<typeof PartnerView>;
export type PartnerDetail = Output<typeof PartnerDetailView>;
export type PayoutRun = Output<typeof PayoutRunView>;
export type RunStatus = PayoutRun['status'];
export type Tally = Omit<PayoutRun['totals'], 'byPartner'>;
export type Instruction = Output<typeof InstructionView>;
export type Reconciliation = Output<typeof ReconciliationView>;
export type ReconciliationCounts = Omit<Reconciliation, 'at' | 'byPartner' | 'differences'>;
export type AuditItem = Output<typeof AuditItemView>;
export type Administrator = Output<typeof AdministratorView>;
export type PurchaseReport = Output<typeof PurchaseReportView>;
export type Totals = PurchaseReport['privatePlatforms'];

/** What the shell gives each page: the parameters of its route (`/waves/:waveId`). */
export interface PageProps {
  params: Record<string, string>;
}

/** GET /v1/admin/waiting-room. */
export interface WaitingRoom {
  on: boolean;
  auto: boolean;
  openingMinutes: number;
  arrivalsPerSecond: number;
  ratePerSecond: number;
  capacityPerSecond: number;
  until?: string;
  ticketsIssued: number;
  watermark: number;
  queueLength: number;
  failuresLastMinute: number;
  updatedAt: string | null;
}

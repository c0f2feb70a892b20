import type { z } from 'zod';
import type { Me as MeView } from '#shared/contracts/accounts.ts';
import type { PaymentPartnerView } from '#shared/contracts/partners.ts';
import type { IncentiveView, MyPurchaseView, MySurveyView } from '#shared/contracts/purchases.ts';
import type { WaveView } from '#shared/contracts/waves.ts';

// What the citizen pages read from the API: the contracts' response schemas, as types
// only (erased by the build: neither zod nor the contracts reach the browser).
export type Me = z.output<typeof MeView>;
export type Wave = z.output<typeof WaveView>;
export type Purchase = z.output<typeof MyPurchaseView>;
export type Survey = z.output<typeof MySurveyView>;
export type Incentive = z.output<typeof IncentiveView>;
export type PaymentPartner = z.output<typeof PaymentPartnerView>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

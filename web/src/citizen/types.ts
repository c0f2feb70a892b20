import type { z } from 'zod';
import type { Me as MeView } from '#contexts/accounts/routes.ts';
import type { PaymentPartnerView } from '#contexts/partners/routes.ts';
import type { IncentiveView, MyPurchaseView, MySurveyView } from '#contexts/purchases/routes.ts';
import type { WaveView } from '#contexts/waves/routes.ts';

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

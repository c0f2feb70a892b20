import type { PaymentPartnerKind } from '#contexts/payouts/rules/payouts.ts';
// The payment partners the programme can pay through, declared once: each has a
// disbursement queue (with its DLQ) and a dispatcher whose concurrency is the rate the
// partner agreed to take. The CDK app builds a queue per entry, the local stack polls
// one per entry with the same limits. A partner's lifecycle status (MOU_SIGNED ... LIVE)
// is data in the partner registry; this list is what the deployment can reach.

export interface PaymentPartnerSpec {
  code: string;
  kind: PaymentPartnerKind;
  /** Dispatcher invocations at once for this partner's queue (event source mapping
   *  maximum concurrency on AWS, at least 2 there; the same limit in the local poller). */
  maxConcurrency: number;
}

export const PAYMENT_PARTNERS: readonly PaymentPartnerSpec[] = [
  { code: 'bni', kind: 'bank', maxConcurrency: 2 },
  { code: 'bri', kind: 'bank', maxConcurrency: 2 },
  { code: 'mandiri', kind: 'bank', maxConcurrency: 2 },
  { code: 'gopay', kind: 'e-wallet', maxConcurrency: 4 },
  { code: 'ovo', kind: 'e-wallet', maxConcurrency: 4 },
  { code: 'linkaja', kind: 'e-wallet', maxConcurrency: 3 },
  { code: 'dana', kind: 'e-wallet', maxConcurrency: 4 },
  { code: 'shopeepay', kind: 'e-wallet', maxConcurrency: 4 },
];

export function paymentPartnerSpec(code: string): PaymentPartnerSpec | undefined {
  return PAYMENT_PARTNERS.find((p) => p.code === code);
}

/** The disbursement queue of a partner (its DLQ is `<name>-dlq`). */
export const payoutQueueName = (code: string) => `payouts-${code}`;

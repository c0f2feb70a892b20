import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { externalKeySecret } from '#cdk/constructs/external-key.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';

export interface PaymentPartnersProps {
  /** The customer-managed key that encrypts the credentials (the personal-data key). */
  key: IKey;
  /** Base URL of each partner's disbursement API, by code: every PAYMENT_PARTNERS entry. */
  endpoints: Record<string, string>;
}

/**
 * What the functions that call the payment partners (uses `payments`) are given: the
 * partners' endpoints (PAYMENT_PARTNER_ENDPOINTS) and one secret holding the programme's
 * key per partner, `{"<code>": {"keyId": "...", "secret": "..."}}`
 * (PAYMENT_PARTNERS_SECRET_ARN), read by contexts/payouts/payments/https.ts.
 *
 * The keys are issued by each partner when it is integrated, so the secret is created with
 * a placeholder and its value is put by operations (`aws secretsmanager put-secret-value`);
 * entries that are not `{keyId, secret}` are ignored by the adapter.
 */
export class PaymentPartners extends Construct {
  readonly secret: Secret;
  readonly endpoints: Record<string, string>;

  constructor(scope: Construct, id: string, props: PaymentPartnersProps) {
    super(scope, id);
    for (const { code } of PAYMENT_PARTNERS) {
      const url = props.endpoints[code];
      if (!url || !/^https:\/\/[^\s/]+/.test(url))
        throw new Error(
          `payment partner ${code} needs an https:// endpoint (context prakerja:paymentPartnerEndpoints)`,
        );
    }
    const unknown = Object.keys(props.endpoints).filter(
      (code) => !PAYMENT_PARTNERS.some((p) => p.code === code),
    );
    if (unknown.length) throw new Error(`endpoints for undeclared payment partners: ${unknown.join(', ')}`);
    this.endpoints = { ...props.endpoints };
    this.secret = externalKeySecret(this, {
      description: "Prakerja: the programme's signing key per payment partner (PAYMENT_PARTNERS_SECRET_ARN)",
      key: props.key,
      whyNoRotation:
        'The keys are issued by the payment partners and rotated with them (a partner accepts two keys ' +
        'during a rotation); a Secrets Manager rotation Lambda cannot create keys at a partner.',
    });
  }
}

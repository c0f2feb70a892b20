// The payment-partner port: what the payout code needs from a bank or e-wallet's
// disbursement API. On AWS the HTTPS adapter (contexts/payouts/payments/https.ts) speaks to each
// partner's endpoint; on one machine the same adapter speaks to the simulator
// (local/payment-partners.ts), which keeps its own accounts and its own ledger.

export interface AccountInquiry {
  /** A bank account number, or the registered phone (+628...) of an e-wallet. */
  accountNumber: string;
  /** Sent over TLS for the partner's own NIK match; never logged or stored in clear. */
  nik: string;
  /** The participant's name, as registered. */
  name: string;
}

export type InquiryResult =
  | { found: true; holderName: string; nikMatches: boolean; kycVerified: boolean }
  | { found: false };

export interface Disbursement {
  /** Our instruction id: the partner pays each reference at most once. */
  reference: string;
  accountNumber: string;
  amountIdr: number;
}

export type DisbursementResult =
  | {
      status: 'PAID';
      reference: string;
      partnerReference: string;
      amountIdr: number;
      /** When the partner paid, on its clock (ISO 8601, any offset): its settlement day's. */
      paidAt: string;
    }
  | { status: 'REJECTED'; reference: string; reason: string };

export type StatusResult = DisbursementResult | { status: 'NOT_FOUND'; reference: string };

export interface SettlementLine {
  reference: string;
  partnerReference: string;
  accountNumber: string;
  amountIdr: number;
  paidAt: string;
}

export interface SettlementReport {
  /** YYYY-MM-DD: the partner's settlement day (WIB for the partners we know). */
  day: string;
  items: SettlementLine[];
  nextCursor: string | null;
}

/** No answer in time: the money may or may not have moved; ask `status` before a retry. */
export class PartnerTimeout extends Error {
  override name = 'PartnerTimeout';
}

/** Refused before doing anything (5xx, 429, connection refused): safe to retry. */
export class PartnerUnavailable extends Error {
  override name = 'PartnerUnavailable';
}

export interface PaymentPartnerPort {
  inquire(code: string, request: AccountInquiry): Promise<InquiryResult>;
  /** Idempotent by `reference`: the same reference again returns the first outcome. */
  disburse(code: string, request: Disbursement): Promise<DisbursementResult>;
  status(code: string, reference: string): Promise<StatusResult>;
  settlementReport(code: string, day: string, cursor?: string): Promise<SettlementReport>;
}

/** Refused as a bad request (400, 401, 403, or an answer outside the protocol): a bug or a
 *  configuration error (keys, endpoint) that retrying does not fix. */
export class PartnerRequestRefused extends Error {
  override name = 'PartnerRequestRefused';
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

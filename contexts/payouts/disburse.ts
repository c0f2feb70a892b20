import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import {
  type DisbursementResult,
  PartnerTimeout,
  PartnerUnavailable,
  type PaymentPartnerPort,
  type StatusResult,
} from '#contexts/payouts/payments/port.ts';
import { backoffMs } from '#contexts/payouts/rules/payouts.ts';

// One instruction through the partner: a disbursement with our instruction id as the
// reference (the partner pays a reference once), a timeout resolved by a status query
// before anything is sent again, and retries with full-jitter backoff. What is still
// unresolved goes back to the queue; on the message's last delivery a reference the
// partner has no record of is given up as failed (it returns to due for the next run),
// unless this delivery's own request may still be on its way to the partner (it timed
// out): a "not found" then proves nothing yet, and the dead batch's settlement asks
// again once no request of the delivery can still land (contexts/payouts/dead-letter.ts).

export type Outcome =
  | { kind: 'paid'; partnerReference: string; paidAt: string; amountIdr: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'unresolved'; why: string };

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  /** The message's last delivery: what the partner never received is failed now. */
  lastDelivery: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function outcomeOf(result: DisbursementResult): Outcome {
  return result.status === 'PAID'
    ? {
        kind: 'paid',
        partnerReference: result.partnerReference,
        paidAt: result.paidAt,
        amountIdr: result.amountIdr,
      }
    : { kind: 'rejected', reason: result.reason };
}

/** The partner's record of the reference, or undefined when it could not be asked. */
export async function askStatus(
  port: PaymentPartnerPort,
  code: string,
  reference: string,
): Promise<StatusResult | undefined> {
  try {
    return await port.status(code, reference);
  } catch (error) {
    if (error instanceof PartnerTimeout || error instanceof PartnerUnavailable) return undefined;
    throw error;
  }
}

export async function resolveInstruction(
  port: PaymentPartnerPort,
  i: PayoutInstruction,
  accountNumber: string,
  policy: RetryPolicy,
): Promise<Outcome> {
  let why = 'no attempt';
  // Failed before under another reference: if that payment went through late after all,
  // it is this one (nothing is sent again).
  if (i.previous) {
    const earlier = await askStatus(port, i.previous.partnerCode, i.previous.reference);
    if (!earlier) return { kind: 'unresolved', why: 'the earlier reference could not be checked' };
    if (earlier.status === 'PAID') return outcomeOf(earlier);
  }
  // A request that timed out may still reach the partner after a later status query.
  let mayLandLate = false;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (attempt) await sleep(backoffMs(attempt - 1, policy.baseMs, policy.capMs));
    try {
      return outcomeOf(
        await port.disburse(i.partnerCode, {
          reference: i.instructionId,
          accountNumber,
          amountIdr: i.amountIdr,
        }),
      );
    } catch (error) {
      if (error instanceof PartnerUnavailable) {
        why = 'partner unavailable';
        continue;
      }
      if (!(error instanceof PartnerTimeout)) throw error;
      mayLandLate = true;
      // The money may have moved: ask before sending it again.
      const status = await askStatus(port, i.partnerCode, i.instructionId);
      if (status && status.status !== 'NOT_FOUND') return outcomeOf(status);
      why = status ? 'timed out before the partner recorded it' : 'timed out, status unknown';
    }
  }
  if (policy.lastDelivery) {
    const status = await askStatus(port, i.partnerCode, i.instructionId);
    if (status?.status === 'NOT_FOUND' && !mayLandLate)
      return { kind: 'rejected', reason: 'partner-unavailable' };
    if (status && status.status !== 'NOT_FOUND') return outcomeOf(status);
    if (status) why = 'not found yet, and a request of this delivery may still land';
  }
  return { kind: 'unresolved', why };
}

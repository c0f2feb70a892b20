import { findPartnerByCode } from '#contexts/partners/store/partners.ts';
import type { PayoutBatch } from '#contexts/payouts/items.ts';
import { HANDED_BACK } from '#contexts/payouts/rules/payouts.ts';
import { handBackUnsent, settleFailed } from '#contexts/payouts/store/payout-settlement.ts';
import {
  allBatches,
  batchInstructions,
  markBatchHandedBack,
  tallyOf,
  writeBatchTally,
} from '#contexts/payouts/store/payouts.ts';
import { faults } from '#platform/faults.ts';
import { count } from '#platform/observability.ts';

// Handing a run's pending instructions back to due without paying them: a rejected or
// cancelled run (all of them), or a partner that is not LIVE when the run is approved,
// enqueued or dispatched (that partner's). Each instruction fails with the reason in one
// transaction with its incentive's return to due (on condition it is still pending): a
// repeat, or a dispatcher that settled it meanwhile, hands nothing back twice.

const IN_FLIGHT = 8;

/**
 * One batch's pending instructions. `maybeSent`: the dispatcher may have sent them already
 * (a later delivery): the incentive keeps this reference, which the next run asks the
 * partner about before it pays (contexts/payouts/disburse.ts).
 */
export async function handBackBatch(
  batch: Pick<PayoutBatch, 'runId' | 'batchId'>,
  reason: string,
  now: Date,
  maybeSent = false,
): Promise<number> {
  const pending = (await batchInstructions(batch.runId, batch.batchId)).filter((i) => i.status === 'PENDING');
  let next = 0;
  let handedBack = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, pending.length) }, async () => {
      while (next < pending.length) {
        const i = pending[next++]!;
        // A crash part-way (tests arm it): what is done stays done, a retry does the rest.
        faults.check('payouts.hand-back', { done: handedBack + 1 });
        const done = maybeSent ? await settleFailed(i, reason, now) : await handBackUnsent(i, reason, now);
        if (done === 'settled') handedBack++;
      }
    }),
  );
  if (handedBack) count('PayoutHandedBack', handedBack);
  await markBatchHandedBack(batch, reason);
  await writeBatchTally(batch, tallyOf(await batchInstructions(batch.runId, batch.batchId)), now);
  return handedBack;
}

/** Every pending instruction of the run (a rejection, a cancellation). */
export async function handBackRun(runId: string, reason: string, now: Date): Promise<number> {
  return (await handBackSome(runId, reason, now, Number.POSITIVE_INFINITY)).handedBack;
}

/** The run's pending batches, whole, until about `limit` instructions are handed back; and
 *  whether any pending batch is left (the workflow's next call). */
export async function handBackSome(runId: string, reason: string, now: Date, limit: number) {
  let handedBack = 0;
  const pending = (await allBatches(runId)).filter((b) => b.pending > 0);
  for (const [n, batch] of pending.entries()) {
    if (handedBack >= limit) return { handedBack, more: pending.length - n > 0 };
    handedBack += await handBackBatch(batch, reason, now);
  }
  return { handedBack, more: false };
}

/** Whether a payment partner may be paid through now (LIVE in the registry). */
export async function partnerLive(code: string): Promise<boolean> {
  const partner = await findPartnerByCode(code);
  return partner?.kind === 'payment' && partner.status === 'LIVE';
}

/** The pending batches of partners not LIVE now, handed back (`partner-not-live`); the
 *  partners so found. */
export async function handBackNotLive(
  batches: PayoutBatch[],
  now: Date,
  maybeSent = false,
): Promise<string[]> {
  const codes = [...new Set(batches.filter((b) => b.pending > 0).map((b) => b.partnerCode))];
  const live = new Map(await Promise.all(codes.map(async (c) => [c, await partnerLive(c)] as const)));
  const notLive = codes.filter((c) => !live.get(c));
  for (const batch of batches)
    if (batch.pending > 0 && notLive.includes(batch.partnerCode))
      await handBackBatch(batch, HANDED_BACK.partnerNotLive, now, maybeSent);
  return notLive;
}

import { askStatus, type Outcome, outcomeOf } from '#contexts/payouts/disburse.ts';
import type { PayoutBatch, PayoutInstruction } from '#contexts/payouts/items.ts';
import type { PaymentPartnerPort } from '#contexts/payouts/payments/port.ts';
import { payoutRedelivery } from '#contexts/payouts/redelivery.ts';
import { settleFailed, settlePaid } from '#contexts/payouts/store/payout-settlement.ts';
import {
  batchInstructions,
  getRun,
  setRunFields,
  tallyOf,
  writeBatchTally,
} from '#contexts/payouts/store/payouts.ts';
import { recordAudit } from '#platform/audit.ts';
import { logger } from '#platform/logger.ts';
import { count } from '#platform/observability.ts';

// A dead batch: its message's last delivery began (the dispatcher marked it) and can no
// longer be talking to the partner, and instructions are still pending: the message is
// on its way to the DLQ and nobody will send them again. The payout workflow's progress
// step ends them here so the run can end: each is resolved with the partner's status
// query first (the partner may have paid it: a timeout after the money moved), recorded
// PAID with its ledger entry if it was, and otherwise handed back to due (FAILED, reason
// `dead-letter`, its incentive due again for the next run, which asks about this
// reference again before it pays: contexts/payouts/disburse.ts). One the partner cannot be
// asked about (still down) stays pending and is asked about again at the next look.

/** The reason of an instruction handed back because its batch went to the DLQ. */
export const DEAD_LETTER = 'dead-letter';
/** Instructions asked about at once, and the time one look may spend on dead batches. */
const IN_FLIGHT = 8;
const BUDGET_MS = 60_000;

export function isDead(batch: PayoutBatch, now: Date): boolean {
  if (batch.pending === 0 || !batch.lastDeliveryAt) return false;
  return now.getTime() - Date.parse(batch.lastDeliveryAt) > payoutRedelivery().lastDeliveryOverMs;
}

/** What the partner's books say of the instruction (and of its earlier reference), or
 *  undefined when the partner could not be asked. */
async function partnerOutcome(port: PaymentPartnerPort, i: PayoutInstruction): Promise<Outcome | undefined> {
  if (i.previous) {
    const earlier = await askStatus(port, i.previous.partnerCode, i.previous.reference);
    if (!earlier) return undefined;
    if (earlier.status === 'PAID') return outcomeOf(earlier);
  }
  const status = await askStatus(port, i.partnerCode, i.instructionId);
  if (!status) return undefined;
  return status.status === 'NOT_FOUND' ? { kind: 'rejected', reason: DEAD_LETTER } : outcomeOf(status);
}

export interface Released {
  paid: number;
  handedBack: number;
  unresolved: number;
}

/** Ends what it can of the dead batches within one look's budget. */
export async function releaseDeadBatches(
  port: PaymentPartnerPort,
  runId: string,
  batches: PayoutBatch[],
  now: Date,
): Promise<Released> {
  const deadline = Date.now() + BUDGET_MS;
  const total: Released = { paid: 0, handedBack: 0, unresolved: 0 };
  const partners = new Set<string>();
  for (const batch of batches) {
    if (Date.now() > deadline) break;
    const pending = (await batchInstructions(runId, batch.batchId)).filter((i) => i.status === 'PENDING');
    const done: Released = { paid: 0, handedBack: 0, unresolved: 0 };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(IN_FLIGHT, pending.length) }, async () => {
        while (next < pending.length && Date.now() <= deadline) {
          const i = pending[next++]!;
          const outcome = await partnerOutcome(port, i);
          if (!outcome || outcome.kind === 'unresolved') done.unresolved++;
          else if (outcome.kind === 'paid') {
            if ((await settlePaid(i, outcome, now)) === 'settled') {
              done.paid++;
              count('IncentivePaid');
            }
          } else if ((await settleFailed(i, outcome.reason, now)) === 'settled') {
            done.handedBack++;
            count('PayoutFailed');
          }
        }
      }),
    );
    await writeBatchTally(batch, tallyOf(await batchInstructions(runId, batch.batchId)), now);
    if (done.paid || done.handedBack) {
      // The run says why it handed instructions back; the trail says which and how many.
      partners.add(batch.partnerCode);
      await recordAudit({
        actor: 'system',
        role: 'system',
        kind: 'payout-batch.dead-lettered',
        subject: runId,
        detail: {
          batchId: batch.batchId,
          partnerCode: batch.partnerCode,
          paid: done.paid,
          handedBack: done.handedBack,
          unresolved: done.unresolved,
        },
      });
    }
    logger.warn('dead payout batch', { runId, batchId: batch.batchId, ...done });
    total.paid += done.paid;
    total.handedBack += done.handedBack;
    total.unresolved += done.unresolved;
  }
  if (partners.size) {
    const run = await getRun(runId);
    const before = run?.reason?.startsWith(`${DEAD_LETTER}: `)
      ? run.reason.slice(DEAD_LETTER.length + 2).split(',')
      : [];
    const all = [...new Set([...before, ...partners])].sort();
    await setRunFields(runId, { reason: `${DEAD_LETTER}: ${all.join(',')}` });
  }
  return total;
}

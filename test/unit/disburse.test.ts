import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveInstruction } from '#contexts/payouts/disburse.ts';
import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import {
  type DisbursementResult,
  PartnerTimeout,
  PartnerUnavailable,
  type PaymentPartnerPort,
  type StatusResult,
} from '#contexts/payouts/payments/port.ts';

// A partner in memory that pays a reference once, with a script of what each disbursement
// request meets: answered, refused for the moment (503: nothing done), or lost on the way
// (a timeout) and delivered later, after the status queries that follow it: a partner
// whose queue is behind, or a loaded machine's simulator.
type Fate = 'answered' | 'unavailable' | 'late';

function partner(fates: Fate[]) {
  const paid = new Map<string, DisbursementResult>();
  const inFlight: { reference: string; amountIdr: number }[] = [];
  const pay = (reference: string, amountIdr: number): DisbursementResult => {
    const result = paid.get(reference) ?? {
      status: 'PAID' as const,
      reference,
      partnerReference: `p-${reference}`,
      amountIdr,
      paidAt: '2026-12-07T10:00:00+07:00',
    };
    paid.set(reference, result);
    return result;
  };
  const port = {
    async disburse(_code: string, { reference, amountIdr }: { reference: string; amountIdr: number }) {
      const fate = fates.shift() ?? 'answered';
      if (fate === 'unavailable') throw new PartnerUnavailable('503');
      if (fate === 'late') {
        inFlight.push({ reference, amountIdr });
        throw new PartnerTimeout('no answer');
      }
      return pay(reference, amountIdr);
    },
    async status(_code: string, reference: string): Promise<StatusResult> {
      return paid.get(reference) ?? { status: 'NOT_FOUND', reference };
    },
  } as unknown as PaymentPartnerPort;
  /** The requests still on their way arrive. */
  const land = () => {
    for (const r of inFlight.splice(0)) pay(r.reference, r.amountIdr);
  };
  return { port, paid, land };
}

const instruction = { instructionId: 'run-1-a', partnerCode: 'bni', amountIdr: 600_000 } as PayoutInstruction;
const policy = (lastDelivery: boolean) => ({ attempts: 3, baseMs: 0, capMs: 0, lastDelivery });

describe('one instruction through the partner', () => {
  it('never gives up as failed what a request of its own delivery may still pay', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Fate>('answered', 'unavailable', 'late'), { minLength: 3, maxLength: 3 }),
        async (fates) => {
          const { port, paid, land } = partner([...fates]);
          const outcome = await resolveInstruction(port, instruction, '123456', policy(true));
          land();
          const partnerPaid = paid.has(instruction.instructionId);
          // Failed only when nothing can pay it any more; paid exactly when the partner paid.
          if (outcome.kind === 'rejected') expect(partnerPaid).toBe(false);
          if (outcome.kind === 'paid') expect(partnerPaid).toBe(true);
          if (fates.includes('answered')) expect(outcome.kind).toBe('paid');
          if (fates.every((f) => f === 'unavailable'))
            expect(outcome).toEqual({
              kind: 'rejected',
              reason: 'partner-unavailable',
            });
          if (!fates.includes('answered') && fates.includes('late')) expect(outcome.kind).toBe('unresolved');
        },
      ),
    );
  });

  it('before the last delivery leaves an unanswered instruction pending, whatever the status says', async () => {
    const { port } = partner(['unavailable', 'unavailable', 'unavailable']);
    expect((await resolveInstruction(port, instruction, '123456', policy(false))).kind).toBe('unresolved');
  });
});

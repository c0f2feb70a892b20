import type { PaymentPartnerPort, SettlementLine } from '#shared/payments/port.ts';
import type { PayoutInstruction } from '#shared/store/payouts.ts';

// Reconciliation compares two books: our instructions of a run, and what each partner's
// settlement reports say it paid for the run's references. Pure except for reading the
// reports through the port.

export interface Difference {
  instructionId: string;
  partnerCode: string;
  kind: 'missingAtPartner' | 'unknownAtPartner' | 'amountMismatch';
  ourAmountIdr?: number;
  partnerAmountIdr?: number;
}

export interface Counts {
  matched: number;
  missingAtPartner: number;
  unknownAtPartner: number;
  amountMismatches: number;
}

const zero = (): Counts => ({ matched: 0, missingAtPartner: 0, unknownAtPartner: 0, amountMismatches: 0 });
/** Differences listed in the answer (the counts cover all of them). */
const MAX_LISTED = 100;

/** Every UTC day from `from` to `to` (YYYY-MM-DD), at most `max`. */
export function daysBetween(from: string, to: string, max = 62): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from.slice(0, 10)}T00:00:00Z`); days.length < max; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > to.slice(0, 10)) break;
    days.push(day);
  }
  return days;
}

/** What one partner reported paying for references of `runId` on those days. */
export async function reportedLines(port: PaymentPartnerPort, code: string, runId: string, days: string[]) {
  const lines = new Map<string, SettlementLine>();
  for (const day of days) {
    let cursor: string | undefined;
    do {
      const report = await port.settlementReport(code, day, cursor);
      for (const line of report.items)
        if (line.reference.startsWith(`${runId}-`)) lines.set(line.reference, line);
      cursor = report.nextCursor ?? undefined;
    } while (cursor);
  }
  return lines;
}

export function compare(
  instructions: PayoutInstruction[],
  reported: Map<string, Map<string, SettlementLine>>,
) {
  const all = zero();
  const byPartner: Record<string, Counts> = {};
  const differences: Difference[] = [];
  const note = (code: string, key: keyof Counts, difference?: Difference) => {
    all[key]++;
    byPartner[code] ??= zero();
    byPartner[code][key]++;
    if (difference && differences.length < MAX_LISTED) differences.push(difference);
  };
  const ours = new Map(instructions.map((i) => [i.instructionId, i]));
  for (const i of instructions) {
    if (i.status !== 'PAID') continue;
    const line = reported.get(i.partnerCode)?.get(i.instructionId);
    if (!line) {
      note(i.partnerCode, 'missingAtPartner', {
        instructionId: i.instructionId,
        partnerCode: i.partnerCode,
        kind: 'missingAtPartner',
        ourAmountIdr: i.amountIdr,
      });
    } else if (line.amountIdr !== i.amountIdr) {
      note(i.partnerCode, 'amountMismatches', {
        instructionId: i.instructionId,
        partnerCode: i.partnerCode,
        kind: 'amountMismatch',
        ourAmountIdr: i.amountIdr,
        partnerAmountIdr: line.amountIdr,
      });
    } else note(i.partnerCode, 'matched');
  }
  for (const [code, lines] of reported) {
    for (const line of lines.values()) {
      const mine = ours.get(line.reference);
      if (mine?.status === 'PAID' && mine.partnerCode === code) continue;
      note(code, 'unknownAtPartner', {
        instructionId: line.reference,
        partnerCode: code,
        kind: 'unknownAtPartner',
        partnerAmountIdr: line.amountIdr,
        ...(mine ? { ourAmountIdr: mine.amountIdr } : {}),
      });
    }
  }
  return { ...all, byPartner, differences };
}

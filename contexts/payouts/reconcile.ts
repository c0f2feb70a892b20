import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import {
  PartnerTimeout,
  PartnerUnavailable,
  type PaymentPartnerPort,
  type SettlementLine,
} from '#contexts/payouts/payments/port.ts';
import { backoffMs } from '#contexts/payouts/rules/payouts.ts';

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

const DAY_MS = 86_400_000;
/** WIB (UTC+7, no daylight saving): the settlement day of the partners we know. */
const WIB_MS = 7 * 3_600_000;

/** The WIB date of a time written in any ISO 8601 offset. */
export const wibDay = (at: string) => new Date(Date.parse(at) + WIB_MS).toISOString().slice(0, 10);
const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The settlement days to ask one partner for, on the PARTNER's calendar: from the WIB day
 * of the first payment it told us of (`partnerPaidAt`, its clock) to that of the last, and
 * the day either side (a partner that closes its day at another hour, UTC's included,
 * files a payment near midnight under a neighbouring date). Only when it told us of none
 * with its time (a run of failures only, or one settled before we kept the time) are the
 * days taken from the run on our clock, approval to now, one more either side. At most
 * `max` days.
 */
export function partnerDays(
  instructions: Pick<PayoutInstruction, 'status' | 'partnerPaidAt'>[],
  ours: { from: string; to: string },
  max = 62,
): string[] {
  const paid = instructions.filter((i) => i.status === 'PAID');
  const theirs = paid.flatMap((i) =>
    i.partnerPaidAt && !Number.isNaN(Date.parse(i.partnerPaidAt)) ? [wibDay(i.partnerPaidAt)] : [],
  );
  const days = new Set<string>();
  if (theirs.length) {
    theirs.sort();
    for (const day of daysBetween(shift(theirs[0]!, -1), shift(theirs.at(-1)!, 1), max)) days.add(day);
    // Even a span longer than `max` keeps every payment's own days.
    for (const day of theirs) for (const d of [-1, 0, 1]) days.add(shift(day, d));
  }
  if (theirs.length < paid.length || !paid.length)
    for (const day of daysBetween(shift(ours.from.slice(0, 10), -1), shift(ours.to.slice(0, 10), 1), max))
      days.add(day);
  return [...days].sort();
}

/** How long a reading of reports may go on asking again for a page that did not come. */
export const REPORT_RETRY_MS = 10_000;

/**
 * One page of a report. Reading a report moves nothing, so a page that timed out or was
 * refused for the moment is asked for again (with backoff) until `retryUntil`: one slow
 * answer does not fail a whole comparison. After that the partner's error is the caller's.
 */
async function reportPage(
  port: PaymentPartnerPort,
  code: string,
  day: string,
  cursor: string | undefined,
  retryUntil: number,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await port.settlementReport(code, day, cursor);
    } catch (error) {
      const transient = error instanceof PartnerTimeout || error instanceof PartnerUnavailable;
      const wait = backoffMs(attempt, 200, 2000);
      if (!transient || Date.now() + wait > retryUntil) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** What one partner reported paying for references of `runId` on those days. */
export async function reportedLines(
  port: PaymentPartnerPort,
  code: string,
  runId: string,
  days: string[],
  retryUntil = Date.now() + REPORT_RETRY_MS,
) {
  const lines = new Map<string, SettlementLine>();
  for (const day of days) {
    let cursor: string | undefined;
    do {
      const report = await reportPage(port, code, day, cursor, retryUntil);
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

/** The counts of the partners' parts added up (the workflow's last reconciliation step). */
export function sumCounts(parts: readonly Counts[]): Counts {
  const all = zero();
  for (const part of parts) for (const key of Object.keys(all) as (keyof Counts)[]) all[key] += part[key];
  return all;
}

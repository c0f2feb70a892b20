import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { findPartnerByCode } from '#contexts/partners/store/partners.ts';
import {
  type PayoutAccount,
  type PayoutInstruction,
  type PayoutRun,
  payoutAccount,
  payoutBatch,
  payoutInstruction,
  payoutRun,
} from '#contexts/payouts/items.ts';
import { instructionId } from '#contexts/payouts/rules/payouts.ts';
import { DUE_SHARDS, type Incentive, incentive, incentivesDuePartition } from '#contexts/purchases/items.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { RawItem } from '#platform/store/item.ts';
import { pages } from '#platform/store/paginate.ts';
import { ConditionFailed, labelled, type TransactItem, transact } from '#platform/store/transact.ts';

// Staging: incentives due by the period's end (the sparse due index, GSI1, in shards)
// whose participant has a verified payout account become instructions, a partner's at
// a time in batches. Each batch is claimed in one transaction: every incentive moves
// from due to STAGED on condition it is still due (so two runs never stage one
// incentive), the account on condition it is the verified version read, and the run's
// staged amount on condition it stays within the budget.

/** Instructions per batch (one queue message, one claim transaction). */
export const MAX_BATCH = 40;
// A claim transaction holds the run, the batch, two items per instruction and one check
// per distinct payout account: at most 2 + 2 * 40 + ... <= 100 (DynamoDB's limit).
const MAX_TRANSACTION_ITEMS = 100;

const dueQuery = (shard: number, periodEnd: string) => ({
  IndexName: 'GSI1',
  KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :end',
  ExpressionAttributeValues: { ':pk': incentivesDuePartition(shard), ':end': `${periodEnd}#\uffff` },
});

interface Payable {
  incentive: Incentive;
  account: PayoutAccount;
}

/** Whether each payment partner is LIVE now (a suspended one is paid through by nobody). */
async function livePartners(codes: string[]): Promise<Set<string>> {
  const partners = await Promise.all(codes.map((code) => findPartnerByCode(code)));
  return new Set(partners.filter((p) => p?.kind === 'payment' && p.status === 'LIVE').map((p) => p!.code));
}

/** The page's incentives whose participant has a verified payout account at a LIVE partner. */
async function payable(items: RawItem[]): Promise<Payable[]> {
  const incentives = items.filter((i) => incentive.matches(i)).map((i) => incentive.parse(i));
  const ids = [...new Set(incentives.map((i) => i.accountId))];
  const verified = (await getMany(ids.map((accountId) => payoutAccount.key({ accountId }))))
    .map((raw) => payoutAccount.parse(raw))
    .filter((a) => a.status === 'VERIFIED');
  const live = await livePartners([...new Set(verified.map((a) => a.partnerCode))]);
  const accounts = new Map(verified.filter((a) => live.has(a.partnerCode)).map((a) => [a.accountId, a]));
  return incentives.flatMap((i) => {
    const account = accounts.get(i.accountId);
    return account ? [{ incentive: i, account }] : [];
  });
}

/** What the POST checks against the budget before a run is made: the sum staging would
 *  claim now, over every shard of the due index. */
export async function payableTotal(periodEnd: string): Promise<{ count: number; amountIdr: number }> {
  const totals = await Promise.all(
    Array.from({ length: DUE_SHARDS }, async (_, shard) => {
      let count = 0;
      let amountIdr = 0;
      for await (const page of pages(dueQuery(shard, periodEnd))) {
        for (const p of await payable(page.Items ?? [])) {
          count++;
          amountIdr += p.incentive.amountIdr;
        }
      }
      return { count, amountIdr };
    }),
  );
  return totals.reduce((a, b) => ({ count: a.count + b.count, amountIdr: a.amountIdr + b.amountIdr }));
}

/** Batches of one partner's payables, each small enough for one claim transaction. */
function batchesOf(list: Payable[]): Payable[][] {
  const byPartner = new Map<string, Payable[]>();
  for (const p of list)
    byPartner.set(p.account.partnerCode, [...(byPartner.get(p.account.partnerCode) ?? []), p]);
  const batches: Payable[][] = [];
  for (const group of byPartner.values()) {
    let batch: Payable[] = [];
    let accounts = new Set<string>();
    for (const p of group) {
      const size = 2 + 2 * (batch.length + 1) + accounts.size + (accounts.has(p.account.accountId) ? 0 : 1);
      if (batch.length === MAX_BATCH || size > MAX_TRANSACTION_ITEMS) {
        batches.push(batch);
        batch = [];
        accounts = new Set();
      }
      batch.push(p);
      accounts.add(p.account.accountId);
    }
    if (batch.length) batches.push(batch);
  }
  return batches;
}

export type ClaimOutcome = { staged: number; amountIdr: number; budgetReached: boolean; stopped: boolean };

/** Claims one batch for the run; drops what another run took meanwhile; keeps within
 *  the budget by claiming only the part that fits. */
async function claimBatch(run: PayoutRun, shard: number, batch: Payable[], now: Date): Promise<ClaimOutcome> {
  const TableName = tableName();
  let list = batch;
  let batchId = `${batch[0]!.account.partnerCode}.${shard}.${randomUUID()}`;
  for (let attempt = 0; list.length && attempt < 50; attempt++) {
    const amountIdr = list.reduce((sum, p) => sum + p.incentive.amountIdr, 0);
    const instructions = list.map(
      ({ incentive: i, account: a }): PayoutInstruction => ({
        instructionId: instructionId(run.runId, i.accountId, i.kind, i.n),
        runId: run.runId,
        batchId,
        accountId: i.accountId,
        incentiveKind: i.kind,
        incentiveN: i.n,
        dueDate: i.dueDate,
        partnerCode: a.partnerCode,
        accountNumberSealed: a.accountNumberSealed,
        accountNumberMasked: a.accountNumberMasked,
        amountIdr: i.amountIdr,
        status: 'PENDING',
        ...(i.lastReference && i.lastPartner
          ? { previous: { reference: i.lastReference, partnerCode: i.lastPartner } }
          : {}),
      }),
    );
    const accounts = [...new Map(list.map((p) => [p.account.accountId, p.account])).values()];
    const items: TransactItem[] = [
      labelled('run', {
        Update: {
          TableName,
          Key: payoutRun.key({ runId: run.runId }),
          UpdateExpression: 'ADD stagedIdr :amount',
          ConditionExpression: '#status = :staging AND stagedIdr <= :room',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':amount': amountIdr,
            ':staging': 'STAGING',
            ':room': run.budgetIdr - amountIdr,
          },
        },
      }),
      labelled('batch-id-taken', {
        Put: {
          TableName,
          Item: payoutBatch.item({
            runId: run.runId,
            batchId,
            partnerCode: list[0]!.account.partnerCode,
            stagedAt: now.toISOString(),
            instructions: list.length,
            amountIdr,
            paid: 0,
            failed: 0,
            pending: list.length,
            paidIdr: 0,
            failedIdr: 0,
            settled: 0,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      }),
      ...list.flatMap(({ incentive: i }, n): TransactItem[] => [
        labelled(`incentive:${n}`, {
          Update: {
            TableName,
            Key: incentive.key(i),
            UpdateExpression:
              'SET #status = :staged, runId = :run, instructionId = :iid REMOVE GSI1PK, GSI1SK',
            ConditionExpression: '(#status = :scheduled OR #status = :failed) AND amountIdr = :amount',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':staged': 'STAGED',
              ':scheduled': 'SCHEDULED',
              ':failed': 'FAILED',
              ':run': run.runId,
              ':iid': instructions[n]!.instructionId,
              ':amount': i.amountIdr,
            },
          },
        }),
        labelled(`incentive:${n}`, {
          Put: {
            TableName,
            Item: payoutInstruction.item(instructions[n]!),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        }),
      ]),
      ...accounts.map(
        (a): TransactItem =>
          labelled(`account:${a.accountId}`, {
            ConditionCheck: {
              TableName,
              Key: payoutAccount.key({ accountId: a.accountId }),
              ConditionExpression: '#status = :verified AND version = :v',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':verified': 'VERIFIED', ':v': a.version },
            },
          }),
      ),
    ];
    try {
      await transact(items);
      return { staged: list.length, amountIdr, budgetReached: false, stopped: false };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const [what, which = ''] = (error.label ?? '').split(':');
      if (what === 'run') {
        const fresh = payoutRun.parse(
          (
            await db().send(
              new GetCommand({ TableName, Key: payoutRun.key({ runId: run.runId }), ConsistentRead: true }),
            )
          ).Item,
        );
        if (fresh?.status !== 'STAGING')
          return { staged: 0, amountIdr: 0, budgetReached: false, stopped: true };
        // Over the budget: claim the due-date-first part that still fits, or nothing.
        let room = fresh.budgetIdr - fresh.stagedIdr;
        const fits = list.filter((p) => {
          room -= p.incentive.amountIdr;
          return room >= 0;
        });
        if (!fits.length) return { staged: 0, amountIdr: 0, budgetReached: true, stopped: false };
        const outcome = await claimBatch(run, shard, fits, now);
        return { ...outcome, budgetReached: true };
      }
      if (what === 'batch-id-taken') {
        // A batch id taken (as unlikely as a UUID collision): another id.
        batchId = `${batch[0]!.account.partnerCode}.${shard}.${randomUUID()}`;
      } else if (what === 'incentive') {
        // Taken by another run, or no longer due: leave it out.
        const drop = list[Number(which)];
        list = list.filter((p) => p !== drop);
      } else if (what === 'account') {
        // The payout account changed since it was read: its incentives wait for the next run.
        list = list.filter((p) => p.account.accountId !== which);
      } else throw error;
    }
  }
  return { staged: 0, amountIdr: 0, budgetReached: false, stopped: false };
}

export interface StageState {
  cursor: Record<string, unknown> | null;
  done: boolean;
  staged: number;
  budgetReached: boolean;
}

/** Up to `pagesPerCall` pages of one shard of the due index, claimed batch by batch. */
export async function stagePages(
  run: PayoutRun,
  shard: number,
  state: StageState,
  options: { pageSize: number; pagesPerCall: number },
  now: Date,
): Promise<StageState> {
  let { cursor, staged, budgetReached } = state;
  let calls = 0;
  for await (const page of pages({
    ...dueQuery(shard, run.periodEnd),
    Limit: options.pageSize,
    ...(cursor ? { ExclusiveStartKey: cursor } : {}),
  })) {
    for (const batch of batchesOf(await payable(page.Items ?? []))) {
      const outcome = await claimBatch(run, shard, batch, now);
      staged += outcome.staged;
      budgetReached ||= outcome.budgetReached;
      if (outcome.stopped) return { cursor: null, done: true, staged, budgetReached };
    }
    cursor = page.LastEvaluatedKey ?? null;
    if (!cursor || ++calls >= options.pagesPerCall) break;
  }
  return { cursor, done: cursor === null, staged, budgetReached };
}

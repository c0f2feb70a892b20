import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject, vi } from 'vitest';
import { payoutAccount, payoutEntry } from '#contexts/payouts/items.ts';
import { paymentPartnerSpec } from '#contexts/payouts/payments/partners.ts';
import { maskAccountNumber } from '#contexts/payouts/rules/payouts.ts';
import { DUE_SHARDS, incentive } from '#contexts/purchases/items.ts';
import type { StackInfo } from '#local/stack.ts';
import { localStateMachineArn } from '#local/workflows.ts';
import { encrypt } from '#platform/crypto.ts';
import { shardOf } from '#platform/store/shard.ts';
import { runPool } from '#test/bench/stats.ts';
import { call, latestCode, stack, uniquePhone } from '#test/support/api.ts';
import { documentClient, stackDirOf } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';

// Payouts in tests: payout accounts linked over HTTP, runs waited on, and many payable
// incentives written as the review and the link would leave them (through the item
// declarations), with the matching accounts opened at the partners' simulators.

export const LIVE_PAYMENT_PARTNERS = ['bni', 'gopay', 'ovo', 'linkaja', 'dana'];

/** The stack's data key in this process, so fixtures seal account numbers as it does. */
function useStackKeys(dir: string) {
  const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'));
  Object.assign(process.env, { JWT_KEY: keys.jwtKey, LOOKUP_KEY: keys.lookupKey, DATA_KEY: keys.dataKey });
}

export const accountNumberFor = (code: string) =>
  paymentPartnerSpec(code)?.kind === 'bank' ? String(randomInt(10 ** 11, 10 ** 12)) : uniquePhone();

// Seeding thousands at once: random numbers collide (the partner refuses a number it
// holds), so a number is drawn again until this process has not used it.
const seededNumbers = new Set<string>();
function unseenAccountNumber(code: string): string {
  for (;;) {
    const number = accountNumberFor(code);
    if (seededNumbers.has(number)) continue;
    seededNumbers.add(number);
    return number;
  }
}

export async function setFaults(code: string, faults: Record<string, unknown> = {}) {
  const r = await call('POST', `/_local/payment-partners/${code}/faults`, { body: faults });
  if (r.status !== 200) throw new Error(`faults ${code}: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function ledgerOf(code: string) {
  const r = await call('GET', `/_local/payment-partners/${code}/ledger`);
  return r.body as {
    items: { reference: string; amountIdr: number; accountNumber: string }[];
    totalIdr: number;
    paidCount: number;
  };
}

/** Links and confirms a payout account over HTTP; answers the confirmation. */
export async function linkPayoutAccount(
  token: string,
  phone: string,
  partnerCode: string,
  accountNumber: string,
) {
  const put = await call('PUT', '/v1/me/payout-account', { token, body: { partnerCode, accountNumber } });
  if (put.status !== 202 || put.body.status !== 'PENDING_VERIFICATION')
    throw new Error(`link: ${put.status} ${JSON.stringify(put.body)}`);
  const otp = await latestCode(phone, 'payout-account-otp');
  return call('POST', '/v1/me/payout-account/confirmation', { token, body: { otp } });
}

export function waitForRun(token: string, runId: string, statuses: string[], timeoutMs = 300_000) {
  return vi.waitFor(
    async () => {
      const r = await call('GET', `/v1/admin/payout-runs/${runId}`, { token });
      if (!statuses.includes(r.body?.status))
        throw new Error(`run ${runId} still ${r.body?.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    { timeout: timeoutMs, interval: 250 },
  );
}

/** Waits until the payout workflow's execution `name` (`stage-<runId>`, `disburse-<runId>`)
 *  is no longer RUNNING, and answers how it ended. */
export function payoutExecutionEnded(name: string, timeout = 60_000): Promise<string> {
  const sfn = new SFNClient({
    region: 'ap-southeast-3',
    endpoint: stack().workflowsEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const executionArn = `${localStateMachineArn('payout').replace(':stateMachine:', ':execution:')}:${name}`;
  return vi
    .waitFor(
      async () => {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (!status || status === 'RUNNING') throw new Error(`${name} still ${status}`);
        return status;
      },
      { timeout, interval: 100 },
    )
    .finally(() => sfn.destroy());
}

export interface Payable {
  accountId: string;
  partnerCode: string;
  accountNumber: string;
  incentives: { kind: 'incentive' | 'survey'; n: number; amountIdr: number }[];
}

/** `count` participants with a verified payout account at one of `partners` (round
 *  robin) and incentives due on `dueDate`: one post-training incentive each, and a survey
 *  incentive for every other one. */
export function seedPayables(
  count: number,
  dueDate: string,
  partners = LIVE_PAYMENT_PARTNERS,
  options: { shard?: number } = {},
) {
  return seedPayablesInto(
    { info: stack(), dir: stackDirOf(inject('stackLogFile')) },
    count,
    dueDate,
    partners,
    options,
  );
}

/** A participant id whose incentives sit in `shard` of the due index (any shard without). */
function accountIdIn(shard: number | undefined): string {
  for (;;) {
    const id = randomUUID();
    if (shard === undefined || shardOf(id, DUE_SHARDS) === shard) return id;
  }
}

/** `seedPayables` for a given stack (the benchmarks start their own). */
export async function seedPayablesInto(
  target: { info: StackInfo; dir: string },
  count: number,
  dueDate: string,
  partners = LIVE_PAYMENT_PARTNERS,
  options: { shard?: number } = {},
) {
  useStackKeys(target.dir);
  const at = new Date().toISOString();
  const payables: Payable[] = Array.from({ length: count }, (_, n) => {
    const partnerCode = partners[n % partners.length]!;
    return {
      accountId: accountIdIn(options.shard),
      partnerCode,
      accountNumber: unseenAccountNumber(partnerCode),
      incentives: [
        { kind: 'incentive' as const, n: 1, amountIdr: 600_000 },
        ...(n % 2 ? [{ kind: 'survey' as const, n: 1, amountIdr: 50_000 }] : []),
      ],
    };
  });
  const items: Record<string, unknown>[] = [];
  for (const p of payables) {
    items.push(
      await verifiedAccountItem(p, 1, at),
      ...p.incentives.map((i) =>
        incentive.item({ accountId: p.accountId, ...i, dueDate, status: 'SCHEDULED', scheduledAt: at }),
      ),
    );
  }
  const client = documentClient(target.info);
  const { tableName } = target.info;
  // A few batches in flight: a bench seeds a hundred thousand incentives.
  await runPool(Math.ceil(items.length / 25), 8, async (n) => {
    let writes: Record<string, unknown>[] = items
      .slice(n * 25, n * 25 + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (writes.length) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: writes } }));
      writes = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
  // Straight to the simulators' control interface, which POST /_local/payment-partners/
  // {code}/accounts calls (that route is tested on its own): not one API request each.
  await runPool(payables.length, 16, async (n) => {
    const p = payables[n]!;
    const r = await request(
      target.info.paymentPartnersEndpoint,
      'POST',
      `/_control/${p.partnerCode}/accounts`,
      {
        body: {
          accountNumber: p.accountNumber,
          holderName: 'Warga Uji',
          nik: `3171${String(randomInt(0, 10 ** 12)).padStart(12, '0')}`,
        },
      },
    );
    if (r.status !== 201) throw new Error(`open account: ${r.status} ${JSON.stringify(r.body)}`);
  });
  return payables;
}

/**
 * Seeded payables linked again, as a citizen's relink and confirmation would leave their
 * payout accounts (VERIFIED, the version bumped); answers what each account was before
 * (status and reason), e.g. REJECTED after a partner refused it.
 */
export async function relinkSeeded(payables: Payable[]) {
  const client = documentClient(stack());
  const { tableName } = stack();
  const at = new Date().toISOString();
  const before: { status: string; reason?: string }[] = [];
  for (const p of payables) {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: payoutAccount.key(p), ConsistentRead: true }),
    );
    const current = payoutAccount.parse(out.Item);
    before.push({ status: String(current?.status), ...(current?.reason ? { reason: current.reason } : {}) });
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: await verifiedAccountItem(p, (current?.version ?? 0) + 1, at),
      }),
    );
  }
  return before;
}

/** A payable's payout account as a verified link leaves it (written straight to the table). */
async function verifiedAccountItem(p: Payable, version: number, at: string) {
  return payoutAccount.item({
    accountId: p.accountId,
    partnerCode: p.partnerCode,
    accountNumberSealed: await encrypt(p.accountNumber),
    accountNumberMasked: maskAccountNumber(p.accountNumber),
    numberHash: `test-${p.accountId}`,
    status: 'VERIFIED',
    version,
    requestedAt: at,
    verifiedAt: at,
  });
}

/** The payout entries our side wrote for a payable's account (what each ledger line pays). */
export async function payoutEntriesOf(p: Pick<Payable, 'accountId'>) {
  const { PK, SKPrefix } = payoutEntry.partition({ accountId: p.accountId });
  const out = await documentClient(stack()).send(
    new QueryCommand({
      TableName: stack().tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': PK, ':p': SKPrefix },
    }),
  );
  return (out.Items ?? []).map((i) => payoutEntry.parse(i));
}

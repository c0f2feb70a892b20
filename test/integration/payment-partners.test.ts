import { afterEach, describe, expect, it } from 'vitest';
import { type HttpsPaymentPartnersOptions, httpsPaymentPartners } from '#contexts/payouts/payments/https.ts';
import {
  type DisbursementResult,
  PartnerRequestRefused,
  PartnerTimeout,
  PartnerUnavailable,
} from '#contexts/payouts/payments/port.ts';
import { sign } from '#platform/signing.ts';
import { call, stack, uniquePhone } from '#test/support/api.ts';

// The payment partners as the payout code will reach them: the real HTTPS adapter,
// configured with the local stack's simulator endpoints and keys, and the local routes
// that open accounts, inject faults and read what each partner actually paid.

const endpoints = () =>
  Object.fromEntries(
    Object.keys(stack().paymentPartnerKeys).map((code) => [
      code,
      `${stack().paymentPartnersEndpoint}/${code}`,
    ]),
  );
const adapter = (options: Partial<HttpsPaymentPartnersOptions> = {}) =>
  httpsPaymentPartners({
    endpoints: endpoints(),
    keys: stack().paymentPartnerKeys,
    timeoutMs: 3000,
    ...options,
  });

let serial = 0;
const bankAccount = () => `${Date.now()}${String(serial++ % 1000).padStart(3, '0')}`;
const nik = () => String(3201000000000000 + Math.floor(Math.random() * 1e12));
const reference = () => `instr-${Date.now()}-${serial++}`;

type Ledger = {
  items: { reference: string; accountNumber: string; amountIdr: number }[];
  totalIdr: number;
  paidCount: number;
  failures: number;
  timeouts: { beforeMoving: number; afterMoving: number; otherCalls: number };
};
const ledger = async (code: string) =>
  (await call<Ledger>('GET', `/_local/payment-partners/${code}/ledger`)).body;
const linesFor = async (code: string, ref: string) =>
  (await ledger(code)).items.filter((line) => line.reference === ref);
const setFaults = async (code: string, body: Record<string, unknown>) => {
  const reply = await call('POST', `/_local/payment-partners/${code}/faults`, { body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
};
/** An account the partner knows, opened by an inquiry in its holder's name. */
async function openedAccount(code: string, accountNumber: string) {
  const found = await adapter().inquire(code, { accountNumber, nik: nik(), name: 'Siti Rahayu' });
  expect(found).toMatchObject({ found: true });
  return accountNumber;
}

const touched = new Set<string>();
const faulty = async (code: string, body: Record<string, unknown>) => {
  touched.add(code);
  return setFaults(code, body);
};
afterEach(async () => {
  for (const code of touched) await setFaults(code, {});
  touched.clear();
});

describe('account inquiry', () => {
  it('opens an unknown account for the person named, KYC verified; another person gets a mismatch', async () => {
    const accountNumber = bankAccount();
    const siti = nik();
    const port = adapter();
    expect(await port.inquire('bni', { accountNumber, nik: siti, name: 'Siti Rahayu' })).toEqual({
      found: true,
      holderName: 'Siti Rahayu',
      nikMatches: true,
      kycVerified: true,
    });
    expect(await port.inquire('bni', { accountNumber, nik: siti, name: 'Siti Rahayu' })).toMatchObject({
      nikMatches: true,
    });
    expect(await port.inquire('bni', { accountNumber, nik: nik(), name: 'Budi Santoso' })).toEqual({
      found: true,
      holderName: 'Siti Rahayu',
      nikMatches: false,
      kycVerified: true,
    });
    // Each partner keeps its own books: BRI has never seen this account, and opens its own.
    expect(await port.inquire('bri', { accountNumber, nik: nik(), name: 'Budi Santoso' })).toMatchObject({
      holderName: 'Budi Santoso',
      nikMatches: true,
    });
  });

  it('answers an account opened for someone else with that holder, and refuses a number of the wrong kind', async () => {
    const phone = uniquePhone();
    const rina = nik();
    const opened = await call('POST', '/_local/payment-partners/gopay/accounts', {
      body: { accountNumber: phone, holderName: 'Rina Wati', nik: rina, kycVerified: false },
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({
      partnerCode: 'gopay',
      accountNumber: phone,
      holderName: 'Rina Wati',
      kycVerified: false,
      balanceIdr: 0,
    });
    expect(JSON.stringify(opened.body)).not.toContain(rina);
    const again = await call('POST', '/_local/payment-partners/gopay/accounts', {
      body: { accountNumber: phone, holderName: 'Dewi', nik: nik() },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/account-exists$/);
    const port = adapter();
    expect(await port.inquire('gopay', { accountNumber: phone, nik: nik(), name: 'Dewi Lestari' })).toEqual({
      found: true,
      holderName: 'Rina Wati',
      nikMatches: false,
      kycVerified: false,
    });
    // Not KYC verified: nothing can be paid into it.
    expect(
      await port.disburse('gopay', { reference: reference(), accountNumber: phone, amountIdr: 600_000 }),
    ).toMatchObject({
      status: 'REJECTED',
      reason: 'kyc-not-verified',
    });
    // An e-wallet account is a +628 phone number, a bank account digits.
    expect(
      await port.inquire('gopay', { accountNumber: bankAccount(), nik: rina, name: 'Rina Wati' }),
    ).toEqual({
      found: false,
    });
    expect(await port.inquire('bni', { accountNumber: phone, nik: rina, name: 'Rina Wati' })).toEqual({
      found: false,
    });
  });

  it('answers 404 for an unknown partner and 400 for bad input on the local routes', async () => {
    const account = { accountNumber: bankAccount(), holderName: 'X', nik: nik() };
    expect((await call('POST', '/_local/payment-partners/nobank/accounts', { body: account })).status).toBe(
      404,
    );
    expect((await call('GET', '/_local/payment-partners/nobank/ledger')).status).toBe(404);
    expect((await call('POST', '/_local/payment-partners/nobank/faults', { body: {} })).status).toBe(404);
    for (const body of [{ failureRate: 2 }, { latencyMs: -1 }, { extra: true }, { rejectAccounts: 'x' }]) {
      const reply = await call('POST', '/_local/payment-partners/bni/faults', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.type).toMatch(/validation$/);
    }
    expect(
      (await call('POST', '/_local/payment-partners/bni/accounts', { body: { ...account, nik: '123' } }))
        .status,
    ).toBe(400);
  });
});

describe('disbursement', () => {
  it('pays a reference once: the same reference again answers the first outcome and adds no ledger line', async () => {
    const accountNumber = await openedAccount('bni', bankAccount());
    const ref = reference();
    const port = adapter();
    const before = await ledger('bni');
    const first = await port.disburse('bni', { reference: ref, accountNumber, amountIdr: 600_000 });
    expect(first).toMatchObject({ status: 'PAID', reference: ref, amountIdr: 600_000 });
    const second = await port.disburse('bni', { reference: ref, accountNumber, amountIdr: 600_000 });
    expect(second).toEqual(first);
    const after = await ledger('bni');
    expect(after.paidCount).toBe(before.paidCount + 1);
    expect(after.totalIdr).toBe(before.totalIdr + 600_000);
    expect(await linesFor('bni', ref)).toEqual([
      expect.objectContaining({ reference: ref, accountNumber, amountIdr: 600_000 }),
    ]);
    expect(await port.status('bni', ref)).toEqual(first);
  });

  it('answers the same reference with another amount or account as a conflict, and pays nothing more', async () => {
    const accountNumber = await openedAccount('bni', bankAccount());
    const other = await openedAccount('bni', bankAccount());
    const ref = reference();
    const port = adapter();
    await port.disburse('bni', { reference: ref, accountNumber, amountIdr: 600_000 });
    const conflict = { status: 'REJECTED', reference: ref, reason: 'reference-conflict' };
    expect(await port.disburse('bni', { reference: ref, accountNumber, amountIdr: 700_000 })).toEqual(
      conflict,
    );
    expect(await port.disburse('bni', { reference: ref, accountNumber: other, amountIdr: 600_000 })).toEqual(
      conflict,
    );
    // The raw protocol answers 409.
    const raw = await signedFetch('bni', 'POST', '/v1/disbursements', {
      reference: ref,
      accountNumber,
      amountIdr: 1,
    });
    expect(raw.status).toBe(409);
    expect(await linesFor('bni', ref)).toHaveLength(1);
    expect(await port.status('bni', ref)).toMatchObject({ status: 'PAID', amountIdr: 600_000 });
  });

  it('rejects an account it does not hold, and answers NOT_FOUND for a reference never asked', async () => {
    const port = adapter();
    const ref = reference();
    expect(
      await port.disburse('bni', { reference: ref, accountNumber: bankAccount(), amountIdr: 1000 }),
    ).toEqual({
      status: 'REJECTED',
      reference: ref,
      reason: 'account-not-found',
    });
    expect(await port.status('bni', ref)).toMatchObject({ status: 'REJECTED', reason: 'account-not-found' });
    const never = reference();
    expect(await port.status('bni', never)).toEqual({ status: 'NOT_FOUND', reference: never });
    expect(await linesFor('bni', ref)).toEqual([]);
  });

  it("pages the day's settlement report: every payment once, in pages of the size asked", async () => {
    const port = adapter({ settlementPageSize: 2 });
    const accountNumber = await openedAccount('ovo', uniquePhone());
    const paid: DisbursementResult[] = [];
    for (let i = 0; i < 5; i++)
      paid.push(
        await port.disburse('ovo', { reference: reference(), accountNumber, amountIdr: 100_000 + i }),
      );
    const day = (paid[0] as { paidAt: string }).paidAt.slice(0, 10);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await port.settlementReport('ovo', day, cursor);
      expect(page.day).toBe(day);
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) expect(item.paidAt.slice(0, 10)).toBe(day);
      seen.push(...page.items.map((item) => item.reference));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10_000);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const result of paid) expect(seen).toContain(result.reference);
    const ledgerLines = (await ledger('ovo')).items.filter((line) =>
      paid.some((p) => p.reference === line.reference),
    );
    expect(ledgerLines).toHaveLength(5);
    expect((await port.settlementReport('ovo', '2001-01-01')).items).toEqual([]);
  });
});

/** A request signed like the adapter's, for what the adapter does not send. */
async function signedFetch(
  code: string,
  method: string,
  path: string,
  body?: unknown,
  tamper: { secret?: string; timestamp?: string; keyId?: string } = {},
) {
  const key = stack().paymentPartnerKeys[code]!;
  const url = new URL(`${stack().paymentPartnersEndpoint}/${code}${path}`);
  const text = body === undefined ? '' : JSON.stringify(body);
  const timestamp = tamper.timestamp ?? String(Math.floor(Date.now() / 1000));
  const signature = sign(tamper.secret ?? key.secret, {
    timestamp,
    method,
    pathWithQuery: url.pathname + url.search,
    body: text,
  });
  return fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-prakerja-key-id': tamper.keyId ?? key.keyId,
      'x-prakerja-timestamp': timestamp,
      'x-prakerja-signature': signature,
    },
    ...(body === undefined ? {} : { body: text }),
  });
}

describe('signatures', () => {
  it('refuses 401 a bad signature, a stale timestamp, another key id, and none at all', async () => {
    const inquiry = { accountNumber: bankAccount(), nik: nik(), name: 'Siti' };
    expect((await signedFetch('bni', 'POST', '/v1/account-inquiries', inquiry)).status).toBe(200);
    for (const tamper of [
      { secret: 'not-the-secret' },
      { timestamp: String(Math.floor(Date.now() / 1000) - 301) },
      { keyId: 'someone-else' },
    ])
      expect((await signedFetch('bni', 'POST', '/v1/account-inquiries', inquiry, tamper)).status).toBe(401);
    // Signed for BNI, sent to BRI.
    const bni = stack().paymentPartnerKeys.bni!;
    const mixed = httpsPaymentPartners({ endpoints: endpoints(), keys: { bri: bni } });
    await expect(mixed.inquire('bri', inquiry)).rejects.toMatchObject({ httpStatus: 401 });
    const unsigned = await fetch(`${stack().paymentPartnersEndpoint}/bni/v1/disbursements/x`);
    expect(unsigned.status).toBe(401);
    const wrong = adapter({ keys: { bni: { keyId: bni.keyId, secret: 'wrong' } } });
    await expect(wrong.status('bni', 'x')).rejects.toBeInstanceOf(PartnerRequestRefused);
  });
});

describe('faults', () => {
  it('answers a failure as PartnerUnavailable, and no money moved', async () => {
    const accountNumber = await openedAccount('linkaja', uniquePhone());
    await faulty('linkaja', { failureRate: 1 });
    const ref = reference();
    const before = (await ledger('linkaja')).failures;
    await expect(
      adapter().disburse('linkaja', { reference: ref, accountNumber, amountIdr: 600_000 }),
    ).rejects.toBeInstanceOf(PartnerUnavailable);
    expect((await ledger('linkaja')).failures).toBe(before + 1);
    await setFaults('linkaja', {});
    expect(await linesFor('linkaja', ref)).toEqual([]);
    expect(await adapter().status('linkaja', ref)).toEqual({ status: 'NOT_FOUND', reference: ref });
  });

  it('times out before or after the money moved, half each; status tells which, a retry pays once', async () => {
    const accountNumber = await openedAccount('dana', uniquePhone());
    const port = adapter({ timeoutMs: 300 });
    await faulty('dana', { timeoutRate: 1 });
    const outcomes: { ref: string; moved: boolean }[] = [];
    for (let i = 0; i < 4; i++) {
      const ref = reference();
      const before = (await ledger('dana')).timeouts;
      await expect(
        port.disburse('dana', { reference: ref, accountNumber, amountIdr: 500_000 }),
      ).rejects.toBeInstanceOf(PartnerTimeout);
      const after = (await ledger('dana')).timeouts;
      expect(after.beforeMoving + after.afterMoving).toBe(before.beforeMoving + before.afterMoving + 1);
      outcomes.push({ ref, moved: after.afterMoving > before.afterMoving });
    }
    expect(outcomes.filter((o) => o.moved)).toHaveLength(2);
    await setFaults('dana', {});
    // Answered now: the adapter's usual patience (300 ms was for the calls held on purpose;
    // a loaded stack can take longer than that to answer a status).
    const patient = adapter();
    for (const { ref, moved } of outcomes) {
      const status = await patient.status('dana', ref);
      expect(status.status, ref).toBe(moved ? 'PAID' : 'NOT_FOUND');
      expect(await linesFor('dana', ref)).toHaveLength(moved ? 1 : 0);
      // The dispatcher's retry with the same reference: paid exactly once either way.
      const retried = await patient.disburse('dana', { reference: ref, accountNumber, amountIdr: 500_000 });
      expect(retried.status).toBe('PAID');
      if (moved) expect(retried).toEqual(status);
      expect(await linesFor('dana', ref)).toHaveLength(1);
    }
  });

  it('refuses the rejected accounts at inquiry and at disbursement', async () => {
    const accountNumber = await openedAccount('mandiri', bankAccount());
    await faulty('mandiri', { rejectAccounts: [accountNumber] });
    const port = adapter();
    expect(await port.inquire('mandiri', { accountNumber, nik: nik(), name: 'Siti Rahayu' })).toEqual({
      found: false,
    });
    const ref = reference();
    expect(await port.disburse('mandiri', { reference: ref, accountNumber, amountIdr: 600_000 })).toEqual({
      status: 'REJECTED',
      reference: ref,
      reason: 'account-rejected',
    });
    expect(await linesFor('mandiri', ref)).toEqual([]);
    // Other accounts are paid as before.
    const other = await openedAccount('mandiri', bankAccount());
    expect(
      (await port.disburse('mandiri', { reference: reference(), accountNumber: other, amountIdr: 1 })).status,
    ).toBe('PAID');
  });

  it('adds the latency to every call, and a call slower than the timeout is a PartnerTimeout', async () => {
    const faults = await faulty('shopeepay', { latencyMs: 400 });
    expect(faults).toEqual({ failureRate: 0, timeoutRate: 0, latencyMs: 400, rejectAccounts: [] });
    const accountNumber = uniquePhone();
    const started = Date.now();
    await adapter().inquire('shopeepay', { accountNumber, nik: nik(), name: 'Siti' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await expect(
      adapter({ timeoutMs: 150 }).inquire('shopeepay', { accountNumber, nik: nik(), name: 'Siti' }),
    ).rejects.toBeInstanceOf(PartnerTimeout);
  });
});

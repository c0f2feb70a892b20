import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpsPaymentPartners, paymentPartners } from '#contexts/payouts/payments/https.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';
import { PartnerUnavailable } from '#contexts/payouts/payments/port.ts';
import { startPaymentPartnerSimulator } from '#local/payment-partners.ts';
import { AccessDenied, environmentFor, mergeUses, runWithUses } from '#platform/uses.ts';
import { tempDir } from '#test/support/temp.ts';

// The simulator in this process, the adapter against it: what the integration test does
// not reach (a restart of the partner's books, a port nobody listens on, declared uses).
const keys = Object.fromEntries(
  PAYMENT_PARTNERS.map((p) => [p.code, { keyId: `k-${p.code}`, secret: `s-${p.code}` }]),
);

describe('the payment-partner simulator', () => {
  it("keeps a partner's books across a restart, and never writes the NIK", async () => {
    const dir = tempDir('prakerja-payments-');
    const nik = '3201015403980001';
    let sim = await startPaymentPartnerSimulator({ keys, dir });
    let port = httpsPaymentPartners({ endpoints: sim.endpoints, keys });
    await port.inquire('bni', { accountNumber: '1234567890', nik, name: 'Siti Rahayu' });
    const paid = await port.disburse('bni', {
      reference: 'r-1',
      accountNumber: '1234567890',
      amountIdr: 600_000,
    });
    const rejected = await port.disburse('bni', {
      reference: 'r-2',
      accountNumber: '999999999',
      amountIdr: 1,
    });
    await sim.stop();

    sim = await startPaymentPartnerSimulator({ keys, dir });
    port = httpsPaymentPartners({ endpoints: sim.endpoints, keys });
    expect(await port.inquire('bni', { accountNumber: '1234567890', nik, name: 'Budi' })).toEqual({
      found: true,
      holderName: 'Siti Rahayu',
      nikMatches: true,
      kycVerified: true,
    });
    expect(await port.status('bni', 'r-1')).toEqual(paid);
    expect(await port.status('bni', 'r-2')).toEqual(rejected);
    expect(
      await port.disburse('bni', { reference: 'r-1', accountNumber: '1234567890', amountIdr: 600_000 }),
    ).toEqual(paid);
    const ledger = await (await fetch(`${sim.endpoint}/_control/bni/ledger`)).json();
    expect(ledger).toMatchObject({ paidCount: 1, totalIdr: 600_000 });
    // Another partner's books are its own.
    expect(await port.status('bri', 'r-1')).toEqual({ status: 'NOT_FOUND', reference: 'r-1' });
    await sim.stop();
    expect(readFileSync(join(dir, 'bni.jsonl'), 'utf8')).not.toContain(nik);
  });

  it('answers a port nobody listens on as PartnerUnavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: free } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const port = httpsPaymentPartners({ endpoints: { bni: `http://127.0.0.1:${free}/bni` }, keys });
    await expect(port.status('bni', 'r')).rejects.toBeInstanceOf(PartnerUnavailable);
  });
});

describe('uses payments', () => {
  it('refuses the partners to a function that did not declare them', async () => {
    await expect(runWithUses({ items: { course: 'write' } }, async () => paymentPartners())).rejects.toThrow(
      AccessDenied,
    );
    const port = httpsPaymentPartners({ endpoints: { bni: 'http://127.0.0.1:9/bni' }, keys });
    await expect(runWithUses({}, () => port.status('bni', 'r'))).rejects.toThrow(AccessDenied);
  });

  it('merges, and names the endpoints, the secret and the timeout in the environment', () => {
    expect(mergeUses({ items: { course: 'read' } }, { payments: true })).toEqual({
      items: { course: 'read' },
      payments: true,
    });
    const values = { tableName: 't', secretsArn: 's', stateMachineArn: () => '', emailFrom: '' };
    expect(
      environmentFor(
        { payments: true },
        { ...values, paymentSecretArn: 'arn:p', paymentEndpoints: { bni: 'https://b' } },
      ),
    ).toEqual({
      PAYMENT_PARTNER_ENDPOINTS: '{"bni":"https://b"}',
      PAYMENT_PARTNERS_SECRET_ARN: 'arn:p',
      PAYMENT_TIMEOUT_MS: '5000',
    });
    expect(environmentFor({ items: { course: 'read' } }, values)).toEqual({ TABLE_NAME: 't' });
  });
});

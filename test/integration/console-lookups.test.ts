import { describe, expect, it } from 'vitest';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';
import {
  adminToken,
  call,
  latestCode,
  registerCitizen,
  uniqueEmail,
  uniquePhone,
} from '#test/support/api.ts';

const PAYMENT_CODES: string[] = PAYMENT_PARTNERS.map((p) => p.code);

// Issue 18's additions to the API, for the web pages: the payment partners a payout account
// can be linked with (LIVE only), administrators named by accountId, and a phone written
// 0812... stored as +62812....
describe('GET /v1/payment-partners', () => {
  it('lists the LIVE payment partners only, to a signed-in citizen', async () => {
    const citizen = await registerCitizen();
    const listed = await call('GET', '/v1/payment-partners', { token: citizen.token });
    expect(listed.status).toBe(200);
    expect(listed.body.nextCursor).toBeNull();
    const codes = listed.body.items.map((p: { code: string }) => p.code);
    // Exactly the payment partners the registry holds LIVE now (other files move some).
    const registry: { code: string; kind: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await call(
        'GET',
        `/v1/admin/partners?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        {
          token: await adminToken(),
        },
      );
      expect(page.status).toBe(200);
      registry.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const live = registry.filter((p) => p.kind === 'payment' && p.status === 'LIVE').map((p) => p.code);
    expect([...codes].sort()).toEqual([...new Set(live)].filter((c) => PAYMENT_CODES.includes(c)).sort());
    expect(codes).toEqual(expect.arrayContaining(['bni', 'gopay', 'ovo', 'linkaja', 'dana']));
    for (const p of registry.filter((p) => p.kind === 'payment' && p.status !== 'LIVE'))
      expect(codes).not.toContain(p.code);
    expect(listed.body.items.find((p: { code: string }) => p.code === 'gopay')).toEqual({
      code: 'gopay',
      name: 'GoPay',
      kind: 'e-wallet',
    });
    expect((await call('GET', '/v1/payment-partners')).status).toBe(401);
  });
});

/** The accountId a token was issued to (its `sub`). */
const subjectOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;

describe('GET /v1/admin/administrators', () => {
  it('names administrators by accountId and leaves out anyone else', async () => {
    const token = await adminToken();
    const approver = await adminToken('approver');
    const adminId = subjectOf(token);
    const approverId = subjectOf(approver);
    const citizen = await registerCitizen();
    const ids = [approverId, citizen.accountId, 'nobody', adminId].join(',');
    const named = await call('GET', `/v1/admin/administrators?ids=${ids}`, { token: approver });
    expect(named.status).toBe(200);
    expect(named.body.items).toEqual([
      expect.objectContaining({ accountId: approverId, role: 'approver', fullName: 'PMO Approver' }),
      expect.objectContaining({ accountId: adminId, role: 'admin', fullName: 'PMO Administrator' }),
    ]);
    expect(JSON.stringify(named.body)).not.toContain(citizen.email);
    // Staff only; the ids are checked.
    expect(
      (await call('GET', `/v1/admin/administrators?ids=${adminId}`, { token: citizen.token })).status,
    ).toBe(403);
    for (const bad of ['', 'a,,b', 'a b', Array.from({ length: 51 }, (_, i) => `id${i}`).join(',')])
      expect(
        (await call('GET', `/v1/admin/administrators?ids=${encodeURIComponent(bad)}`, { token })).status,
      ).toBe(400);
  });
});

describe('a phone written 0812...', () => {
  it('registers and is stored as +62812...', async () => {
    const phone = uniquePhone();
    const email = uniqueEmail();
    const password = 'correct horse battery';
    const created = await call('POST', '/v1/accounts', {
      body: { fullName: 'Warga Nol', email, password, phone: `0${phone.slice(3, 6)} ${phone.slice(6)}` },
    });
    expect(created.status).toBe(201);
    const code = await latestCode(phone, 'verify-phone');
    expect(code).toMatch(/^\d{6}$/);
    // The same number, written either way, is one number.
    const again = await call('POST', '/v1/accounts', {
      body: { fullName: 'Warga Lain', email: uniqueEmail(), password, phone },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('duplicate-phone');
  });
});

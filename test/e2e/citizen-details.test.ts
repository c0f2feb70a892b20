import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { payoutAccount } from '#contexts/payouts/items.ts';
import { maskAccountNumber } from '#contexts/payouts/rules/payouts.ts';
import { validKk, validNik } from '#scripts/lib/nik.ts';
import { call, latestCode, registerCitizen, stack, uniqueEmail, uniquePhone } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { participant } from '#test/support/participants.ts';
import { axeViolations, launchBrowser, newPage, releaseBrowser, screenshot } from './support/browser.ts';

// The citizens' pages, issue 18: the code fields each with its own id and label (the
// phone's only once selected, issue 20), a signed-in citizen sent home (not to sign in)
// after verifying, a phone written 0812...
// accepted, the profile form filled in with what was saved, a field refused by the API's
// schema said in Indonesian, only LIVE banks and e-wallets offered for a payout account,
// and a payout account a partner refused asking to be linked again.

const { apiUrl } = inject('stack');
const password = 'correct horse battery';

let browser: Browser;
const opened: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const context of opened) await context.close();
  await releaseBrowser(browser);
});

const heading = (page: Page) => page.locator('main h1');
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function freshPage() {
  const fresh = await newPage(browser);
  fresh.context.setDefaultTimeout(10_000);
  opened.push(fresh.context);
  return fresh;
}

/** Chromium logs every 4xx answer to fetch as a console error: those the test asked for. */
const unexpected = (faults: string[]) =>
  faults.filter((f) => !/^console: Failed to load resource: .* status of 400/.test(f));

async function signInThroughThePage(page: Page, email: string) {
  await page.goto(`${apiUrl}/#/sign-in`);
  await poll(() => heading(page).textContent()).toBe('Masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
}

/** Registers through the page; answers the email. */
async function registerThroughThePage(page: Page, phone: string): Promise<string> {
  const email = uniqueEmail();
  await page.goto(`${apiUrl}/`);
  await poll(() => heading(page).textContent()).toBe('Daftar akun Prakerja');
  await page.getByLabel('Nama lengkap (sesuai KTP)').fill('Budi Santoso');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Nomor HP').fill(phone);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();
  return email;
}

/** Every id on the page that more than one element carries. */
const duplicateIds = (page: Page) =>
  page.evaluate(
    `(() => { const ids = Array.from(document.querySelectorAll('[id]'), (e) => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i); })()`,
  ) as Promise<string[]>;

describe('the citizens’ pages (issue 18)', () => {
  it('registers a phone written 0812…: sent and stored as +62812…', async () => {
    const { page, faults } = await freshPage();
    const phone = uniquePhone();
    const email = await registerThroughThePage(page, `0${phone.slice(3)}`);
    await poll(() => heading(page).textContent()).toBe('Verifikasi email');
    // No SMS at registration; the phone's code, when asked for, goes to the number as stored.
    expect((await call('GET', `/_local/outbox?to=${encodeURIComponent(phone)}`)).body.items).toEqual([]);
    await call('POST', '/v1/accounts/codes', { body: { email, channel: 'phone' } });
    await poll(() => latestCode(phone, 'verify-phone').catch(() => '')).toMatch(/^\d{6}$/);
    expect(unexpected(faults)).toEqual([]);
  });

  it('registration asks for the email code only, in a labelled field', async () => {
    const { page, faults } = await freshPage();
    await registerThroughThePage(page, uniquePhone());
    await poll(() => heading(page).textContent()).toBe('Verifikasi email');
    expect(await duplicateIds(page)).toEqual([]);
    expect(
      await page.getByLabel('Kode dari email').evaluate((e) => (e as { form: { id: string } }).form.id),
    ).toBe('verify-email');
    expect(await page.getByLabel('Kode dari SMS').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(unexpected(faults)).toEqual([]);
  });

  it('a selected participant verifies the phone when it is needed: home asks, the SMS field is labelled', async () => {
    const { page, faults } = await freshPage();
    const p = await participant({ verifyPhone: false });
    await signInThroughThePage(page, p.email);
    await poll(() => page.locator('main').textContent()).toContain(
      'Verifikasi nomor HP Anda sebelum membeli pelatihan',
    );
    await page.getByRole('link', { name: 'Verifikasi nomor HP' }).click();
    await poll(() => heading(page).textContent()).toBe('Verifikasi nomor HP');
    expect(await duplicateIds(page)).toEqual([]);
    const sms = page.getByLabel('Kode dari SMS');
    expect(await sms.count()).toBe(1);
    expect(await sms.evaluate((e) => (e as { form: { id: string } }).form.id)).toBe('verify-phone');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'citizen-verify-labelled');
    // No code until the participant asks for one.
    expect((await call('GET', `/_local/outbox?to=${encodeURIComponent(p.phone)}`)).body.items).toEqual([]);
    await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
    await poll(() => latestCode(p.phone, 'verify-phone').catch(() => '')).toMatch(/^\d{6}$/);
    await sms.fill(await latestCode(p.phone, 'verify-phone'));
    await page.locator('#verify-phone').getByRole('button', { name: 'Verifikasi' }).click();
    await poll(() => heading(page).textContent()).toBe('Halo, Warga Uji');
    await poll(() => page.locator('main').textContent()).toContain('Nomor HP: Terverifikasi');
    expect(await page.getByRole('link', { name: 'Verifikasi nomor HP' }).count()).toBe(0);
    expect(unexpected(faults)).toEqual([]);
  });

  it('sends a signed-in citizen home, not to sign in, once the email is verified', async () => {
    const { page, faults } = await freshPage();
    const email = uniqueEmail();
    const phone = uniquePhone();
    const created = await call('POST', '/v1/accounts', {
      body: { fullName: 'Rina Wulandari', email, password, phone },
    });
    expect(created.status).toBe(201);
    await signInThroughThePage(page, email);
    await poll(() => heading(page).textContent()).toBe('Halo, Rina Wulandari');
    await page.getByRole('link', { name: 'Verifikasi sekarang' }).click();
    await poll(() => heading(page).textContent()).toBe('Verifikasi email');
    await page.locator('#verify-email input[name="code"]').fill(await latestCode(email, 'verify-email'));
    await page.locator('#verify-email').getByRole('button', { name: 'Verifikasi' }).click();
    await poll(() => heading(page).textContent()).toBe('Halo, Rina Wulandari');
    // Not selected (not even joined): the phone is not asked for.
    await poll(() => page.locator('main').textContent()).toContain('Email: Terverifikasi · Nomor HP: —');
    expect(await page.getByRole('link', { name: 'Verifikasi sekarang' }).count()).toBe(0);
    expect(unexpected(faults)).toEqual([]);
  });

  it('opens the profile form filled in with the saved profile', async () => {
    const citizen = await registerCitizen();
    const identity = { birthDate: '1995-07-21', gender: 'M' as const, provinceCode: '33' };
    const nik = validNik({ ...identity, regency: 2, district: 3, serial: 1 + (Date.now() % 9000) });
    const saved = await call('PUT', '/v1/me/profile', {
      token: citizen.token,
      body: {
        nik,
        kk: validKk('33'),
        ...identity,
        education: 'diploma',
        workStatus: 'micro_business',
        declarations: {
          student: false,
          civilServant: false,
          militaryOrPolice: false,
          villageOfficial: false,
          stateEnterpriseBoard: false,
          otherAidRecipient: true,
        },
      },
    });
    expect(saved.status).toBe(200);

    const { page, faults } = await freshPage();
    await signInThroughThePage(page, citizen.email);
    await poll(() => heading(page).textContent()).toBe('Halo, Warga Uji');
    await page.getByRole('link', { name: 'Isi data diri' }).click();
    await poll(() => heading(page).textContent()).toBe('Data diri');
    await poll(() => page.getByLabel('Tanggal lahir').inputValue()).toBe(identity.birthDate);
    expect(await page.getByLabel('Jenis kelamin').inputValue()).toBe('M');
    expect(await page.getByLabel('Provinsi').inputValue()).toBe('33');
    expect(await page.getByLabel('Pendidikan terakhir').inputValue()).toBe('diploma');
    expect(await page.getByLabel('Status pekerjaan').inputValue()).toBe('micro_business');
    expect(await page.getByLabel('Penerima bantuan sosial lain').isChecked()).toBe(true);
    expect(await page.getByLabel('Sedang sekolah atau kuliah').isChecked()).toBe(false);
    // The NIK comes masked: shown beside the field, typed again to save.
    expect(await page.locator('#f-nik-hint').textContent()).toContain(
      `${nik.slice(0, 6)}******${nik.slice(-4)}`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'citizen-profile-prefilled');

    expect(unexpected(faults)).toEqual([]);
  });

  it('says a field the API’s schema refused in Indonesian, not in zod’s English', async () => {
    const citizen = await registerCitizen();
    const { page, faults } = await freshPage();
    await signInThroughThePage(page, citizen.email);
    await poll(() => heading(page).textContent()).toBe('Halo, Warga Uji');
    await page.getByRole('link', { name: 'Isi data diri' }).click();
    await poll(() => heading(page).textContent()).toBe('Data diri');
    await page.getByLabel('Tanggal lahir').fill('1995-07-21');
    await page.getByLabel('Jenis kelamin').selectOption('M');
    await page.getByLabel('Provinsi').selectOption('33');
    // The NIK left empty: only the API's schema refuses it ("expected 16 digits").
    await page.getByRole('button', { name: 'Simpan' }).click();
    await poll(() => page.locator('#f-nik-error').textContent()).toBe('Harus 16 angka.');
    expect(await page.locator('main').textContent()).not.toMatch(/expected|Too small|Invalid/);
    expect(unexpected(faults)).toEqual([]);
  });

  it('offers only the LIVE banks and e-wallets for a payout account', async () => {
    const citizen = await registerCitizen();
    const { page, faults } = await freshPage();
    await signInThroughThePage(page, citizen.email);
    await poll(() => heading(page).textContent()).toBe('Halo, Warga Uji');
    await page.goto(`${apiUrl}/#/payout-account`);
    await poll(() => heading(page).textContent()).toBe('Rekening insentif');
    const partner = page.getByLabel('Bank atau e-wallet');
    const offered = () =>
      partner.locator('option').evaluateAll((o) => o.map((e) => (e as { value: string }).value));
    // The seeded registry: bni, gopay, ovo, linkaja, dana LIVE; bri, mandiri, shopeepay MOU_SIGNED.
    await poll(offered).toEqual(['', 'bni', 'gopay', 'ovo', 'linkaja', 'dana']);
    expect(await axeViolations(page)).toEqual([]);
    expect(unexpected(faults)).toEqual([]);
  });

  it('asks to link the account again when a partner refused a payment to it (home and payout page)', async () => {
    const citizen = await registerCitizen();
    // As the dispatcher leaves it after the partner's `account-rejected`.
    const at = new Date().toISOString();
    await documentClient(stack()).send(
      new PutCommand({
        TableName: stack().tableName,
        Item: payoutAccount.item({
          accountId: citizen.accountId,
          partnerCode: 'ovo',
          accountNumberSealed: 'sealed',
          accountNumberMasked: maskAccountNumber(citizen.phone),
          numberHash: `test-${citizen.accountId}`,
          status: 'REJECTED',
          reason: 'payment-rejected',
          version: 2,
          requestedAt: at,
          rejectedAt: at,
        }),
      }),
    );
    const { page, faults } = await freshPage();
    await signInThroughThePage(page, citizen.email);
    await poll(() => heading(page).textContent()).toBe('Halo, Warga Uji');
    const relink = page.getByRole('link', { name: 'Hubungkan rekening lagi' });
    await relink.waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('menolak pembayaran insentif');
    expect(await axeViolations(page)).toEqual([]);
    await relink.click();
    await poll(() => heading(page).textContent()).toBe('Rekening insentif');
    await poll(() => page.getByRole('alert').first().textContent()).toContain('Hubungkan rekening lagi');
    await poll(() => page.locator('main').textContent()).toContain(
      'bank atau e-wallet menolak pembayaran ke rekening ini',
    );
    expect(await axeViolations(page)).toEqual([]);
    expect(unexpected(faults)).toEqual([]);
  });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isValidCardNumber } from '#contexts/selection/rules/draw.ts';
import { validKk, validNik } from '#scripts/lib/nik.ts';
import { adminToken, call, latestCode, signIn, uniqueEmail, uniquePhone } from '#test/support/api.ts';
import { seeded } from '#test/support/partners.ts';
import { post, putCourse } from '#test/support/purchases.ts';
import { runSelection } from '#test/support/selection.ts';
import { waveBody } from '#test/support/waves.ts';
import { axeViolations, launchBrowser, newPage, releaseBrowser, screenshot } from './support/browser.ts';

// A citizen's whole way through the citizen pages in Debian's Chromium, against the e2e
// stack: register, verify the email code (read from the local outbox), sign in, personal
// data with the NIK checked as it is typed, join a wave the administrator opened, and, once
// the test has closed and drawn the wave through the API, the card on the home page and the
// phone verified by SMS now that it is needed; then the payout account, a course bought on
// a platform (through the API) reviewed on the purchases page, a survey answered, and the
// incentives those scheduled. Every page is checked with axe-core and pictured.

const { apiUrl } = inject('stack');
const password = 'correct horse battery';
const citizen = { fullName: 'Siti Aminah', email: uniqueEmail(), phone: uniquePhone() };
const identity = { birthDate: '1998-03-14', gender: 'F' as const, provinceCode: '32' };
const serial = 1 + Math.floor(Math.random() * 9998);
const nik = validNik({ ...identity, regency: 1, district: 1, serial });
// Born the 15th, not the 14th: digits 7-12 disagree with the birth date entered.
const wrongNik = validNik({ ...identity, birthDate: '1998-03-15', regency: 1, district: 1, serial });
const waveName = `Gelombang E2E ${serial}`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let faults: string[];
let waveId: string;

/** axe-core finds nothing serious or critical, and a picture for a person to look at. */
async function checkPage(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, `citizen-${name}`);
}

const heading = (p: Page = page) => p.locator('main h1');
/** The page answers after the API did (a password hash, a lazy chunk): poll for up to 15 s. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

beforeAll(async () => {
  browser = await launchBrowser();
  ({ context, page, faults } = await newPage(browser));
  context.setDefaultTimeout(10_000);
  const created = await call('POST', '/v1/admin/waves', {
    token: await adminToken(),
    body: waveBody({
      name: waveName,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      quota: 10,
    }),
  });
  expect(created.status).toBe(201);
  waveId = created.body.waveId;
});

afterAll(async () => {
  await context?.close();
  await releaseBrowser(browser);
});

describe('a citizen in the browser', () => {
  it('registers, verifies the email code from the outbox and signs in (no SMS yet)', async () => {
    await page.goto(`${apiUrl}/`);
    await poll(() => heading().textContent()).toBe('Daftar akun Prakerja');
    await page.getByLabel('Nama lengkap (sesuai KTP)').fill(citizen.fullName);
    await page.getByLabel('Email').fill(citizen.email);
    await page.getByLabel('Nomor HP').fill(citizen.phone);
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Daftar', exact: true }).click();
    await poll(() => heading().textContent()).toBe('Verifikasi email');
    await checkPage('verify');
    expect(await page.locator('#verify-phone').count()).toBe(0);
    await poll(() => latestCode(citizen.email, 'verify-email').catch(() => '')).toMatch(/^\d{6}$/);
    await page
      .locator('#verify-email input[name="code"]')
      .fill(await latestCode(citizen.email, 'verify-email'));
    await page.locator('#verify-email').getByRole('button', { name: 'Verifikasi' }).click();
    // The phone is verified when it is first needed: nothing went to it.
    expect((await call('GET', `/_local/outbox?to=${encodeURIComponent(citizen.phone)}`)).body.items).toEqual(
      [],
    );

    await poll(() => heading().textContent()).toBe('Masuk');
    expect(await page.getByLabel('Email').inputValue()).toBe(citizen.email);
    await checkPage('sign-in');
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await poll(() => heading().textContent()).toBe(`Halo, ${citizen.fullName}`);
    await poll(() => page.locator('main').textContent()).toContain('Data diri belum lengkap.');
    await checkPage('home-new');
    expect(faults).toEqual([]);
  });

  it('checks the NIK as it is typed, puts the server refusal beside the KK field, and saves', async () => {
    await page.getByRole('link', { name: 'Isi data diri' }).click();
    await poll(() => heading().textContent()).toBe('Data diri');
    await page.getByLabel('Tanggal lahir').fill(identity.birthDate);
    await page.getByLabel('Jenis kelamin').selectOption(identity.gender);
    await page.getByLabel('Provinsi').selectOption(identity.provinceCode);
    const nikField = page.getByLabel('NIK', { exact: true });
    const nikError = page.locator('#f-nik-error');

    // Live, before any submit: the NIK disagrees with the birth date.
    await nikField.pressSequentially(wrongNik);
    await poll(() => nikError.textContent()).toContain('Angka 7-12 tidak sesuai tanggal lahir');
    expect(await nikField.getAttribute('aria-invalid')).toBe('true');
    expect(await nikField.getAttribute('aria-describedby')).toContain('f-nik-error');
    await checkPage('profile-nik-error');

    await nikField.fill(nik);
    await poll(() => nikError.count()).toBe(0);
    await poll(() => page.locator('#profile p.ok').textContent()).toBe(
      'NIK cocok dengan tanggal lahir, jenis kelamin dan provinsi.',
    );

    // A KK whose serial is 0000: only the server refuses it; its errors[].path is `kk`.
    await page.getByLabel('Nomor Kartu Keluarga (KK)').fill('3201010101200000');
    await page.getByLabel('Pendidikan terakhir').selectOption('senior_high');
    await page.getByLabel('Status pekerjaan').selectOption('laid_off');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await poll(() => page.locator('#f-kk-error').textContent()).toBe('Angka 13-16 tidak boleh 0000.');
    expect(await page.locator('#profile [role="alert"]').textContent()).toBe('Nomor KK tidak sesuai.');
    expect(await page.getByLabel('Nomor Kartu Keluarga (KK)').getAttribute('aria-invalid')).toBe('true');
    // Focus went to the field in error (after the error's render: polled, as a loaded
    // machine may paint the message before the focus moves).
    await poll(() => page.evaluate('document.activeElement.name')).toBe('kk');
    await checkPage('profile-kk-refused');

    await page.getByLabel('Nomor Kartu Keluarga (KK)').fill(validKk('32'));
    await page.getByRole('button', { name: 'Simpan' }).click();
    await poll(() => heading().textContent()).toBe(`Halo, ${citizen.fullName}`);
    await poll(() => page.locator('main').textContent()).toContain(
      `Data diri lengkap. NIK: ${nik.slice(0, 6)}******${nik.slice(-4)}`,
    );
    expect(faults.filter((f) => !isExpectedRefusal(f, 400))).toEqual([]);
    faults.length = 0;
  });

  it('joins the open wave; once drawn, home shows the card number and the balance', async () => {
    const join = page.getByRole('button', { name: `Gabung ${waveName}` });
    await join.click();
    await poll(() => page.locator('main').textContent()).toContain(
      'Hasil: Sudah bergabung, menunggu pengundian',
    );
    await checkPage('home-joined');

    // A week later: the wave has closed and the administrator draws it.
    const now = new Date(Date.now() + 8 * 86_400_000).toISOString();
    expect((await call('POST', '/_local/clock', { body: { now } })).status).toBe(200);
    try {
      const admin = stackAdmin();
      const token = await signIn(admin.email, admin.password);
      const result = await runSelection(inject('stack'), token, waveId, {
        seed: `e2e-citizen-${serial}`,
        segments: 1,
      });
      expect(result).toMatchObject({ status: 'SUCCEEDED', selected: 1 });
    } finally {
      await call('DELETE', '/_local/clock');
    }

    await page.reload();
    const card = page.locator('section.card');
    await card.waitFor();
    const me = await call('GET', '/v1/me', { token: await signIn(citizen.email, password) });
    const { cardNumber, balanceIdr } = me.body.participant;
    expect(isValidCardNumber(cardNumber)).toBe(true);
    expect(balanceIdr).toBe(3_500_000);
    expect(await card.locator('.card-number').textContent()).toBe(cardNumber);
    expect((await card.locator('.balance').textContent())?.replace(/\s/g, ' ')).toBe('Rp 3.500.000');
    expect(await card.textContent()).toContain('Aktif');
    expect(await page.locator('main').textContent()).toContain('Hasil: Lolos seleksi');
    await checkPage('home-card');
    expect(faults).toEqual([]);
  });

  it('once selected, is asked for the phone and verifies it by SMS before buying or linking', async () => {
    await poll(() => page.locator('main').textContent()).toContain(
      'Verifikasi nomor HP Anda sebelum membeli pelatihan',
    );
    await page.getByRole('link', { name: 'Verifikasi nomor HP' }).click();
    await poll(() => heading().textContent()).toBe('Verifikasi nomor HP');
    await checkPage('verify-phone');
    await page.getByRole('button', { name: 'Kirim kode SMS' }).click();
    await poll(() => latestCode(citizen.phone, 'verify-phone').catch(() => '')).toMatch(/^\d{6}$/);
    await page.getByLabel('Kode dari SMS').fill(await latestCode(citizen.phone, 'verify-phone'));
    await page.locator('#verify-phone').getByRole('button', { name: 'Verifikasi' }).click();
    await poll(() => heading().textContent()).toBe(`Halo, ${citizen.fullName}`);
    await poll(() => page.locator('main').textContent()).toContain('Nomor HP: Terverifikasi');
    expect(faults).toEqual([]);
  });

  it('links GoPay with the registered phone, confirms the SMS code and shows it verified', async () => {
    await page.getByRole('link', { name: 'Rekening insentif' }).click();
    await poll(() => heading().textContent()).toBe('Rekening insentif');
    await page.getByLabel('Bank atau e-wallet').selectOption('gopay');
    const number = page.getByLabel('Nomor rekening atau nomor HP e-wallet');
    await poll(() => number.inputValue()).toBe(citizen.phone);
    await checkPage('payout-account');
    await page.getByRole('button', { name: 'Hubungkan' }).click();

    const otp = page.getByLabel('Kode dari SMS');
    await otp.waitFor();
    expect(await page.locator('main').textContent()).toContain('Menunggu konfirmasi kode SMS');
    await checkPage('payout-account-otp');
    await otp.fill(await latestCode(citizen.phone, 'payout-account-otp'));
    await page.getByRole('button', { name: 'Konfirmasi' }).click();
    await poll(() => page.locator('main .panel p.ok').textContent()).toBe('Status: Terverifikasi');
    expect(await page.locator('main').textContent()).toContain('GoPay');
    await checkPage('payout-account-verified');
    const me = await call('GET', '/v1/me', { token: await signIn(citizen.email, password) });
    expect(me.body.payoutAccount).toMatchObject({ partnerCode: 'gopay', status: 'VERIFIED' });
    expect(faults).toEqual([]);
  });

  it('shows a course bought on Tokopedia, takes its review (after a rating the server refuses) and a survey', async () => {
    // The platform sells, the participant confirms with the SMS code, trains, completes.
    const tokopedia = seeded('tokopedia');
    const courseId = `e2e-${serial}`;
    await putCourse(tokopedia, courseId, 750_000);
    const me = await call('GET', '/v1/me', { token: await signIn(citizen.email, password) });
    const created = await post(tokopedia, '/v1/partner/purchases', {
      cardNumber: me.body.participant.cardNumber,
      courseId,
    });
    expect(created.status).toBe(201);
    const purchaseId = created.body.purchaseId;
    const otp = await latestCode(citizen.phone, 'purchase-otp');
    const paid = await post(tokopedia, `/v1/partner/purchases/${purchaseId}/confirmation`, { otp });
    expect(paid.status).toBe(200);
    const { voucherCode } = paid.body;
    expect(
      (await post(tokopedia, `/v1/partner/purchases/${purchaseId}/redemption`, { voucherCode })).status,
    ).toBe(200);
    const completion = { completedAt: new Date().toISOString(), certificateNumber: `SERT-${serial}` };
    expect((await post(tokopedia, `/v1/partner/purchases/${purchaseId}/completion`, completion)).status).toBe(
      200,
    );

    await page.getByRole('link', { name: 'Kembali ke beranda' }).click();
    await poll(() => page.locator('section.card .balance').textContent()).toBe('Rp 2.750.000');
    await page.getByRole('link', { name: 'Pelatihan saya' }).click();
    await poll(() => heading().textContent()).toBe('Pelatihan saya');
    const item = page.locator('ul.purchases li');
    await poll(() => item.textContent()).toContain(`Kursus ${courseId}`);
    expect(await item.textContent()).toContain('Selesai');
    expect(await item.textContent()).toContain(`SERT-${serial}`);
    expect((await item.textContent())?.replace(/\s/g, ' ')).toContain('Rp 750.000');
    await checkPage('purchases');

    const rating = page.getByLabel('Nilai (1 sampai 5)');
    await rating.fill('6');
    await page.getByLabel('Komentar').fill('Bermanfaat');
    await page.getByRole('button', { name: 'Kirim ulasan' }).click();
    await poll(() => page.locator(`#review-${purchaseId}-rating-error`).textContent()).toBe(
      'Beri nilai 1 sampai 5.',
    );
    expect(await rating.getAttribute('aria-invalid')).toBe('true');
    await checkPage('purchases-rating-refused');
    await rating.fill('5');
    await page.getByRole('button', { name: 'Kirim ulasan' }).click();
    await poll(() => item.textContent()).toContain('Sudah diulas. Insentif dijadwalkan.');

    await page.getByRole('link', { name: 'Kembali ke beranda' }).click();
    await page.getByRole('link', { name: 'Survei', exact: true }).click();
    await poll(() => heading().textContent()).toBe('Survei');
    const first = page.locator('#survey-1');
    await first.waitFor();
    expect(await page.locator('#survey-2').count()).toBe(1);
    await checkPage('surveys');
    await first.getByLabel('Ya', { exact: true }).check();
    await first.getByLabel('Seberapa berguna pelatihannya (1-5)?').fill('4');
    await first.getByRole('button', { name: 'Kirim survei' }).click();
    await poll(() => page.locator('ul.surveys li').first().textContent()).toContain('Sudah diisi');
    expect(faults.filter((f) => !isExpectedRefusal(f, 400))).toEqual([]);
    faults.length = 0;
  });

  it('lists the incentives the review and the survey scheduled', async () => {
    await page.getByRole('link', { name: 'Kembali ke beranda' }).click();
    await page.getByRole('link', { name: 'Insentif', exact: true }).click();
    await poll(() => heading().textContent()).toBe('Insentif');
    const rows = page.locator('main tbody tr');
    await poll(() => rows.count()).toBe(2);
    const text = (await page.locator('main table').textContent())?.replace(/\s/g, ' ');
    expect(text).toContain('Insentif pasca pelatihan');
    expect(text).toContain('Rp 600.000');
    expect(text).toContain('Insentif survei');
    expect(text).toContain('Rp 50.000');
    expect(text).toContain('Dijadwalkan');
    await checkPage('incentives');
    expect(faults).toEqual([]);
  });

  it('keeps English across a reload', async () => {
    await page.getByRole('link', { name: 'Kembali ke beranda' }).click();
    await poll(() => heading().textContent()).toBe(`Halo, ${citizen.fullName}`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await poll(() => heading().textContent()).toBe(`Hello, ${citizen.fullName}`);
    await page.reload();
    await poll(() => heading().textContent()).toBe(`Hello, ${citizen.fullName}`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.locator('section.card').textContent()).toContain('Training balance');
    await checkPage('home-english');
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    await poll(() => heading().textContent()).toBe(`Halo, ${citizen.fullName}`);
    expect(faults).toEqual([]);
  });

  it('puts "Email ini sudah terdaftar" beside the email field when the email is taken', async () => {
    const other = await newPage(browser);
    try {
      await other.page.goto(`${apiUrl}/`);
      await poll(() => heading(other.page).textContent()).toBe('Daftar akun Prakerja');
      await other.page.getByLabel('Nama lengkap (sesuai KTP)').fill('Siti Lain');
      await other.page.getByLabel('Email').fill(citizen.email);
      await other.page.getByLabel('Nomor HP').fill(uniquePhone());
      await other.page.getByLabel('Kata sandi').fill(password);
      await other.page.getByRole('button', { name: 'Daftar', exact: true }).click();
      const error = other.page.locator('#f-email-error');
      await poll(() => error.textContent()).toBe('Email ini sudah terdaftar.');
      expect(await other.page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      await poll(() => other.page.evaluate('document.activeElement.name')).toBe('email');
      // Still the registration page: nothing was created.
      expect(await heading(other.page).textContent()).toBe('Daftar akun Prakerja');
      expect(await axeViolations(other.page)).toEqual([]);
      await screenshot(other.page, 'citizen-register-duplicate-email');
      expect(other.faults.filter((f) => !isExpectedRefusal(f, 409))).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});

function stackAdmin() {
  return inject('stack').admins.find((a) => a.role === 'admin')!;
}

/** Chromium logs every 4xx answer to fetch as a console error: those the test asked for. */
function isExpectedRefusal(fault: string, status: number): boolean {
  return fault.startsWith('console: Failed to load resource') && fault.includes(`status of ${status}`);
}

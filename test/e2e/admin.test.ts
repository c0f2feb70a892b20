import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { validNik } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';
import { loadApplicants, stackDirOf, syntheticApplicants } from '#test/support/applicants.ts';
import { seedPayables, waitForRun } from '#test/support/payouts.ts';
import { axeViolations, launchBrowser, newPage, releaseBrowser, screenshot } from './support/browser.ts';

// The administrator console in a browser: the point of each test happens on screen; the
// API is used only to set up what the test is not about (payable incentives). The stack
// is shared with the other e2e files: nothing here moves the clock.
// The console is on an origin of its own (test/e2e/origins.test.ts), which serves the API too.
const { consoleUrl, admins } = inject('stack');
const CONSOLE = `${consoleUrl}/`;
/** How long the screen may take to show what an action did (a loaded 2-core machine). */
const UI = { timeout: 15_000 };
const admin = admins.find((a) => a.role === 'admin')!;
const approver = admins.find((a) => a.role === 'approver')!;

let browser: Browser;
/** Every page's faults (page errors, console errors, CSP violations), by page name. */
const faultsSeen: Array<{ name: string; faults: string[] }> = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await releaseBrowser(browser);
});

/** Failed requests the tests provoke on purpose (validation, a selection not started yet,
 * LIVE without the criteria). */
const expectedHttp =
  /^console: Failed to load resource: the server responded with a status of (400|404|409) /;
const unexpected = (faults: string[]) => faults.filter((f) => !expectedHttp.test(f));

async function consolePage(name: string) {
  const opened = await newPage(browser);
  // The console is used at a desk: a laptop's screen rather than the harness's phone.
  await opened.page.setViewportSize({ width: 1280, height: 900 });
  faultsSeen.push({ name, faults: opened.faults });
  return opened;
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto(CONSOLE);
  await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Kata sandi').fill(who.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('h1', { hasText: 'Gelombang' }).waitFor();
}

async function go(page: Page, route: string, heading: string | RegExp) {
  await page.goto(`${CONSOLE}#${route}`);
  await page.locator('main h1', { hasText: heading }).waitFor();
}

/** axe-core finds no serious or critical violation on the page as it is. */
async function accessible(page: Page, name: string) {
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, `admin-${name}`);
}

const localInput = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

describe('the administrator console', () => {
  it('signs an admin in, creates a wave that shows in the list, draws its funnel and runs its draw', async () => {
    const { page, context } = await consolePage('waves');
    await signIn(page, admin);
    expect(await page.getByTestId('role').textContent()).toBe('Peran: Admin');
    await accessible(page, 'waves');

    // An empty submission: each problem beside its field, from errors[].path.
    await page.getByRole('button', { name: 'Buat gelombang' }).click();
    await expect.poll(() => page.locator('#f-name-error').textContent(), UI).toBeTruthy();
    expect(await page.locator('#f-opensAt-error').count()).toBe(1);
    expect(await page.locator('#f-quota-error').count()).toBe(1);
    expect(await page.getByLabel('Nama').getAttribute('aria-invalid')).toBe('true');

    // A window already past, so the wave is CLOSED and its selection can run now.
    const name = `Gelombang E2E ${Date.now()}`;
    const now = Date.now();
    await page.getByLabel('Nama').fill(name);
    await page.getByLabel('Dibuka').fill(localInput(new Date(now - 3 * 86_400_000)));
    await page.getByLabel('Ditutup').fill(localInput(new Date(now - 86_400_000)));
    await page.getByLabel('Kuota', { exact: true }).fill('30');
    await page.getByLabel('Saldo pelatihan').fill('3500000');
    await page.getByRole('button', { name: 'Buat gelombang' }).click();
    await page.getByText(`Gelombang baru dibuat: ${name}.`).waitFor();
    const row = page.getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Rp 3.500.000');
    expect(await row.textContent()).toContain('Ditutup');

    // Applicants are not the point here: 60 applications written as joining leaves them
    // (three to a family card, so the cap excludes some).
    const href = await row.getByRole('link', { name }).getAttribute('href');
    const waveId = decodeURIComponent(href!.replace('#/waves/', ''));
    const applicants = syntheticApplicants(60, { seed: Date.now() % 100_000, familySize: 3 });
    await loadApplicants(stack(), stackDirOf(inject('stackLogFile')), waveId, applicants);

    await row.getByRole('link', { name }).click();
    await page.locator('main h1', { hasText: name }).waitFor();
    await page.locator('.funnel-chart svg .ct-bar').first().waitFor({ state: 'attached' });
    expect(await page.locator('.funnel-chart').getAttribute('aria-label')).toContain('Bergabung: 60');
    expect(await page.getByRole('row', { name: /Bergabung/ }).count()).toBe(1);
    await accessible(page, 'wave-funnel');

    await page.getByRole('link', { name: 'Seleksi gelombang ini' }).click();
    await page.locator('main h1', { hasText: 'Seleksi' }).waitFor();
    await page.getByRole('button', { name: 'Buat seed acak' }).click();
    expect(await page.getByLabel('Seed').inputValue()).toMatch(/^[0-9a-f]{32}$/);
    await page.getByRole('button', { name: 'Mulai seleksi' }).click();
    await expect
      .poll(() => page.getByTestId('selection-status').textContent(), { timeout: 90_000 })
      .toBe('Berhasil');
    expect(await page.locator('.copy code').textContent()).toBe(
      `PRAKERJA_TOKEN=$ADMIN_TOKEN npx tsx scripts/verify-draw.ts --api ${consoleUrl} --wave ${waveId} --save draw.json`,
    );
    await page.getByRole('row', { name: 'Pelamar 60', exact: true }).waitFor();
    await page.getByRole('row', { name: 'Terpilih 30', exact: true }).waitFor();
    await accessible(page, 'selection');

    // After the draw the funnel has every stage.
    await page.getByRole('link', { name: 'Kembali ke gelombang' }).click();
    // Seven bars: the civil-registry check is the screening's first stage (docs/registry.md).
    await expect.poll(() => page.locator('.funnel-chart svg .ct-bar').count(), UI).toBe(7);
    await page.getByRole('row', { name: 'Terpilih 30', exact: true }).waitFor();
    await accessible(page, 'wave-funnel-drawn');

    // The English switch, remembered across pages.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await go(page, '/waves', 'Waves');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    expect(unexpected(faultsSeen.at(-1)!.faults)).toEqual([]);
    await context.close();
  });

  it('the approver rejects a run and an admin cancels the next, each with a reason', async () => {
    await seedPayables(3, '2019-06-10');
    const token = await adminToken();
    // The runs are staged through the API: what is on screen here is saying no.
    const stage = async () => {
      const r = await call('POST', '/v1/admin/payout-runs', {
        token,
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: { period: '2019-06', budgetIdr: 10 ** 12 },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      await waitForRun(token, r.body.runId, ['AWAITING_APPROVAL']);
      return `/payout-runs/${r.body.runId}`;
    };

    const checker = await consolePage('payout-reject');
    await signIn(checker.page, approver);
    await go(checker.page, await stage(), /^Putaran /);
    // The approver rejects; cancelling is the admin's.
    expect(await checker.page.getByRole('button', { name: 'Batalkan putaran' }).count()).toBe(0);
    const rejection = checker.page.locator('#close-rejection');
    await rejection.getByLabel('Alasan').fill('Anggaran belum disahkan');
    await accessible(checker.page, 'payout-run-rejection');
    await rejection.getByRole('button', { name: 'Tolak putaran' }).click();
    await expect.poll(() => checker.page.getByTestId('run-status').textContent(), UI).toBe('Ditolak');
    await expect
      .poll(() => checker.page.locator('dl.facts').textContent(), UI)
      .toContain('Anggaran belum disahkan');
    expect(await checker.page.getByRole('button', { name: 'Setujui putaran' }).count()).toBe(0);

    // The incentives are due again: the next run stages them, and an admin cancels it.
    const maker = await consolePage('payout-cancel');
    await signIn(maker.page, admin);
    await go(maker.page, await stage(), /^Putaran /);
    expect(await maker.page.getByRole('button', { name: 'Tolak putaran' }).count()).toBe(0);
    const cancellation = maker.page.locator('#close-cancellation');
    await cancellation.getByLabel('Alasan').fill('Periode salah');
    await cancellation.getByRole('button', { name: 'Batalkan putaran' }).click();
    await expect.poll(() => maker.page.getByTestId('run-status').textContent(), UI).toBe('Dibatalkan');
    await accessible(maker.page, 'payout-run-cancelled');

    expect(unexpected(checker.faults)).toEqual([]);
    expect(unexpected(maker.faults)).toEqual([]);
    await checker.context.close();
    await maker.context.close();
  });

  it('stages a payout run as admin, has it approved by the approver in another context, and shows it COMPLETED', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await seedPayables(5, today);

    const maker = await consolePage('payout-admin');
    await signIn(maker.page, admin);
    await go(maker.page, '/payout-runs', 'Pembayaran insentif');
    await accessible(maker.page, 'payout-runs');
    expect(await maker.page.getByLabel('Periode').inputValue()).toBe(today.slice(0, 7));
    await maker.page.getByLabel('Anggaran').fill('1000000000000');
    await maker.page.getByRole('button', { name: 'Siapkan putaran' }).click();
    await maker.page.waitForURL(/#\/payout-runs\/[0-9a-f-]{36}$/);
    const runRoute = new URL(maker.page.url()).hash.slice(1);
    await expect
      .poll(() => maker.page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toBe('Menunggu persetujuan');
    // The admin cannot approve: no button, a note instead.
    expect(await maker.page.getByRole('button', { name: 'Setujui putaran' }).count()).toBe(0);
    await maker.page.getByText('Menunggu persetujuan penyetuju.').waitFor();

    const checker = await consolePage('payout-approver');
    await signIn(checker.page, approver);
    expect(await checker.page.getByTestId('role').textContent()).toBe('Peran: Penyetuju');
    // What the approver may not do is not offered.
    expect(await checker.page.getByRole('link', { name: 'Daftar NIK' }).count()).toBe(0);
    expect(await checker.page.getByRole('button', { name: 'Buat gelombang' }).count()).toBe(0);
    await go(checker.page, runRoute, /^Putaran /);
    await accessible(checker.page, 'payout-run-approval');
    await checker.page.getByRole('button', { name: 'Setujui putaran' }).click();
    await expect
      .poll(() => checker.page.getByTestId('run-status').textContent(), { timeout: 90_000 })
      .toBe('Selesai');

    // The maker's page follows the run by itself (polling) to the end, bars full.
    await expect
      .poll(() => maker.page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toBe('Selesai');
    const bars = maker.page.locator('.run-totals progress');
    expect(await bars.count()).toBeGreaterThanOrEqual(2);
    expect(await bars.first().isVisible()).toBe(true);
    const total = maker.page.locator('.run-totals tfoot progress');
    expect(await total.getAttribute('value')).toBe(await total.getAttribute('max'));
    expect(Number(await total.getAttribute('max'))).toBeGreaterThanOrEqual(7);
    expect(await maker.page.locator('.run-totals tfoot').textContent()).toMatch(/Rp \d{1,3}(\.\d{3})+/);

    await maker.page.getByRole('button', { name: 'Rekonsiliasi dengan laporan mitra' }).click();
    await expect
      .poll(() => maker.page.getByTestId('recon-matched').textContent(), UI)
      .toBe(await total.getAttribute('max'));
    expect(await maker.page.getByTestId('recon-amountMismatches').textContent()).toBe('0');
    await accessible(maker.page, 'payout-run');

    expect(unexpected(maker.faults)).toEqual([]);
    expect(unexpected(checker.faults)).toEqual([]);
    await maker.context.close();
    await checker.context.close();
  });

  it('uploads a CSV of NIKs to an exclusion list and shows the imported count', async () => {
    const valid = Array.from({ length: 40 }, (_, n) =>
      validNik({
        birthDate: `1990-01-${String(10 + (n % 18))}`,
        gender: n % 2 ? 'F' : 'M',
        provinceCode: '32',
        serial: n + 1,
      }),
    );
    // A header with a `nik` column, a malformed line (3) and a repeated NIK. (The calls of
    // at most MAX_ENTRIES are test/unit/admin-console.test.ts's: 10,000 NIKs take ~40 s here.)
    const csv = [
      'nama,nik',
      `Satu,${valid[0]}`,
      'Dua,12345',
      ...valid.slice(1).map((n, i) => `W${i},${n}`),
      `Lagi,${valid[5]}`,
    ].join('\n');

    const { page, context, faults } = await consolePage('lists');
    await signIn(page, admin);
    await page.getByRole('link', { name: 'Daftar NIK' }).click();
    await page.locator('main h1', { hasText: 'Daftar NIK' }).waitFor();
    await page.getByLabel('Daftar tujuan').selectOption('students');
    await page.getByLabel('Berkas NIK (CSV atau teks)').setInputFiles({
      name: 'siswa.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect
      .poll(() => page.getByTestId('file-summary').textContent(), UI)
      .toBe('40 NIK sah, 1 baris ditolak, 1 duplikat dilewati.');
    await page.getByText('Baris yang ditolak').click();
    await page.getByText('Baris 3: bukan 16 angka').waitFor();
    await accessible(page, 'lists');
    await page.getByRole('button', { name: 'Impor' }).click();
    await expect
      .poll(() => page.getByTestId('import-result').textContent(), UI)
      .toBe('Diterima: 40. Diimpor: 40.');
    await page.getByText('Impor ke Pelajar/mahasiswa selesai.').waitFor();
    expect(await page.locator('#import-progress').getAttribute('value')).toBe('40');
    await accessible(page, 'lists-imported');
    // NIKs never reach the browser's console.
    expect(faults.join('\n')).not.toContain(valid[0]);
    expect(unexpected(faults)).toEqual([]);
    await context.close();
  });

  it('registers a partner, takes it LIVE with the four criteria, issues a key shown once and revokes it', async () => {
    const { page, context } = await consolePage('partners');
    await signIn(page, admin);
    await go(page, '/partners', 'Mitra');
    await accessible(page, 'partners');
    const code = `e2e-${Date.now().toString(36)}`;
    await page.getByLabel('Nama', { exact: true }).fill(`Mitra ${code}`);
    await page.getByLabel('Jenis').selectOption('platform');
    await page.getByLabel('Kode').fill(code);
    await page.getByRole('button', { name: 'Daftarkan' }).click();
    await page.locator('main h1', { hasText: `Mitra ${code}` }).waitFor();
    for (const status of ['MoU ditandatangani', 'PKS ditandatangani', 'Integrasi']) {
      await page.getByLabel('Catatan').fill(`ke ${status}`);
      await page.getByRole('button', { name: 'Simpan status' }).click();
      await expect.poll(() => page.getByTestId('partner-status').textContent(), UI).toBe(status);
    }
    // LIVE without the criteria is refused, beside the form; with all four it moves.
    await page.getByLabel('Catatan').fill('siap');
    await page.getByRole('button', { name: 'Simpan status' }).click();
    await page.locator('#transition .form-message').waitFor();
    for (const criterion of [
      'Jangkauan nasional',
      'Sistem memadai',
      'Keamanan data',
      'Terdaftar sebagai PSE',
    ])
      await page.getByLabel(criterion).check();
    await page.getByRole('button', { name: 'Simpan status' }).click();
    await expect.poll(() => page.getByTestId('partner-status').textContent(), UI).toBe('Aktif (LIVE)');

    await page.getByRole('button', { name: 'Terbitkan kunci baru' }).click();
    await page.getByTestId('secret').waitFor();
    expect(await page.getByTestId('secret').textContent()).toMatch(/^.{32,}$/);
    await page.getByText('Rahasia ini hanya ditampilkan sekali').waitFor();
    await accessible(page, 'partner');
    expect(
      await page.evaluate('JSON.stringify(sessionStorage) + JSON.stringify(localStorage)'),
    ).not.toContain(await page.getByTestId('secret').textContent());
    await page.getByRole('button', { name: 'Sudah saya simpan, sembunyikan' }).click();
    expect(await page.getByTestId('secret').count()).toBe(0);
    await page
      .getByRole('button', { name: /^Cabut kunci / })
      .first()
      .click();
    await page.getByRole('button', { name: 'Ya, cabut sekarang' }).click();
    await page.getByRole('cell', { name: 'Dicabut' }).first().waitFor();
    expect(unexpected(faultsSeen.at(-1)!.faults)).toEqual([]);
    await context.close();
  });

  it('shows the purchases report, the audit trail and the sign-in page with no serious axe violation', async () => {
    const { page, context } = await consolePage('others');
    await page.goto(CONSOLE);
    await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
    await accessible(page, 'sign-in');
    // A citizen's account signs in to the API, but not to the console.
    const citizen = await registerCitizen();
    await page.getByLabel('Email').fill(citizen.email);
    await page.getByLabel('Kata sandi').fill(citizen.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByText('Akun ini akun warga.').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(page, admin);

    await go(page, '/reports', 'Laporan pembelian');
    await page.getByRole('row', { name: /^Jumlah/ }).waitFor();
    expect(await page.locator('tfoot').textContent()).toMatch(/Rp \d/);
    await accessible(page, 'reports');

    await go(page, '/audit', 'Jejak audit');
    await page.getByRole('cell', { name: 'payout-run.approved' }).first().waitFor({ timeout: 30_000 });
    await page.getByLabel('Jenis').fill('wave.');
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await page.getByRole('cell', { name: 'wave.created' }).first().waitFor();
    await expect.poll(() => page.getByRole('cell', { name: 'payout-run.approved' }).count(), UI).toBe(0);
    await accessible(page, 'audit');

    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
    expect(await page.getByTestId('role').count()).toBe(0);
    await context.close();

    // No page of the console recorded a page error or a CSP violation.
    for (const { name, faults } of faultsSeen) expect(unexpected(faults), name).toEqual([]);
  });
});

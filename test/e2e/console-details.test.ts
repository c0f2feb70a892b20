import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminToken, call } from '#test/support/api.ts';
import { seedPayables } from '#test/support/payouts.ts';
import { waveBody } from '#test/support/waves.ts';
import { axeViolations, launchBrowser, newPage, releaseBrowser, screenshot } from './support/browser.ts';

// The console, issue 18: validation problems in Bahasa Indonesia (not zod's English), a
// wave's creation said without a doubled word, and administrators named (not UUIDs) in the
// audit trail and on a payout run. Nothing here moves the clock or holds an incentive.
const { consoleUrl, admins } = inject('stack');
const CONSOLE = `${consoleUrl}/`;
const UI = { timeout: 15_000 };
const admin = admins.find((a) => a.role === 'admin')!;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await releaseBrowser(browser);
});

/** Failed requests the tests provoke (validation) or the page expects (a selection not started). */
const expectedHttp = /^console: Failed to load resource: the server responded with a status of (400|404) /;
const unexpected = (faults: string[]) => faults.filter((f) => !expectedHttp.test(f));

async function signedIn() {
  const opened = await newPage(browser);
  await opened.page.setViewportSize({ width: 1280, height: 900 });
  const { page } = opened;
  await page.goto(CONSOLE);
  await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Kata sandi').fill(admin.password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('h1', { hasText: 'Gelombang' }).waitFor();
  return opened;
}

const localInput = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

async function go(page: Page, route: string, heading: string | RegExp) {
  await page.goto(`${CONSOLE}#${route}`);
  await page.locator('main h1', { hasText: heading }).waitFor();
}

describe('the console (issue 18)', () => {
  it('says validation problems in Bahasa Indonesia, not in zod’s English', async () => {
    const { page, context, faults } = await signedIn();
    // An empty wave: each field's problem in Indonesian.
    await page.getByRole('button', { name: 'Buat gelombang' }).click();
    await expect.poll(() => page.locator('#f-name-error').textContent(), UI).toBe('Wajib diisi.');
    expect(await page.locator('#f-quota-error').textContent()).toBe('Wajib diisi.');
    expect(await page.locator('#create-wave').textContent()).not.toMatch(/Too small|Invalid input|expected/);
    await screenshot(page, 'admin-waves-refused-id');

    // The seed of the issue: "Too small: expected string to have >=8 characters".
    const wave = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: waveBody({
        name: `Uji seed ${Date.now()}`,
        opensAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        closesAt: new Date(Date.now() + 37 * 86_400_000).toISOString(),
        quota: 10,
      }),
    });
    expect(wave.status).toBe(201);
    await go(page, `/waves/${encodeURIComponent(wave.body.waveId)}/selection`, 'Seleksi');
    await page.getByLabel('Seed').fill('abc');
    await page.getByRole('button', { name: 'Mulai seleksi' }).click();
    await expect.poll(() => page.locator('#f-seed-error').textContent(), UI).toBe('Minimal 8 karakter.');
    expect(await axeViolations(page)).toEqual([]);

    // In English the API's words stay.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('button', { name: 'Start selection' }).click();
    await expect
      .poll(() => page.locator('#f-seed-error').textContent(), UI)
      .toBe('Too small: expected string to have >=8 characters');
    await page.getByRole('button', { name: 'Ganti ke Bahasa Indonesia' }).click();
    expect(unexpected(faults)).toEqual([]);
    await context.close();
  });

  it('says a wave named "Gelombang …" was created without a doubled word', async () => {
    const { page, context, faults } = await signedIn();
    // Named "Gelombang ...", as waves are: said once.
    const name = `Gelombang Uji ${Date.now()}`;
    const now = Date.now();
    await page.getByLabel('Nama').fill(name);
    await page.getByLabel('Dibuka').fill(localInput(new Date(now + 30 * 86_400_000)));
    await page.getByLabel('Ditutup').fill(localInput(new Date(now + 37 * 86_400_000)));
    await page.getByLabel('Kuota', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Buat gelombang' }).click();
    const created = page.locator('#create-wave p.ok');
    await expect.poll(() => created.textContent(), UI).toContain(`Gelombang baru dibuat: ${name}.`);
    expect(await created.textContent()).not.toMatch(/\b(\w+) \1\b/);

    expect(unexpected(faults)).toEqual([]);
    await context.close();
  });

  it('names administrators, not their UUIDs, in the audit trail and on a payout run', async () => {
    const token = await adminToken();
    // The administrator's accountId: the token's subject.
    const adminId: string = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    expect(adminId).toMatch(/^[0-9a-f-]{36}$/);
    // A run of a long-past period, of one incentive of its own (a period with nothing due
    // is refused: 409 nothing-due).
    await seedPayables(1, '2020-01-10', ['bni']);
    const staged = await call('POST', '/v1/admin/payout-runs', {
      token,
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { period: '2020-01', budgetIdr: 10 ** 9 },
    });
    expect(staged.status).toBe(202);

    const { page, context, faults } = await signedIn();
    await go(page, `/payout-runs/${staged.body.runId}`, 'Putaran 2020-01');
    const facts = page.locator('dl.facts');
    await expect.poll(() => facts.textContent(), UI).toContain(`PMO Administrator (${admin.email})`);
    expect(await facts.textContent()).not.toContain(adminId);

    await go(page, '/audit', 'Jejak audit');
    await page.getByLabel('Jenis').fill('payout-run.created');
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    const row = page.getByRole('row', { name: /payout-run\.created/ }).first();
    await row.waitFor(UI);
    await expect.poll(() => row.textContent(), UI).toContain(`PMO Administrator (${admin.email})`);
    expect(await page.locator('main table').textContent()).not.toContain(adminId);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-audit-named');
    expect(unexpected(faults)).toEqual([]);
    await context.close();
  });
});

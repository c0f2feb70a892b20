import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launchBrowser, newPage, releaseBrowser } from './support/browser.ts';

// The waiting room's page (web/src/citizen/pages/waiting-room.tsx): a refresh and a second
// tab keep the place. The room is switched on for this file only, and off after it.
const { apiUrl, consoleUrl, admins } = inject('stack');
let browser: Browser;
let adminToken: string;

const json = async (method: string, path: string, body: unknown, token?: string) => {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const setRoom = (on: boolean) =>
  json('PUT', '/v1/admin/waiting-room', { on, ratePerSecond: 1, capacityPerSecond: 1 }, adminToken);

beforeAll(async () => {
  browser = await launchBrowser();
  const admin = admins.find((a) => a.role === 'admin')!;
  adminToken = (await json('POST', '/v1/sessions', { email: admin.email, password: admin.password })).body
    .accessToken;
  expect((await setRoom(false)).status).toBe(200);
  expect((await setRoom(true)).status).toBe(200);
  // Others queued first: the page's place is a few minutes back at one a second.
  for (let i = 0; i < 10; i++)
    await Promise.all(
      Array.from({ length: 20 }, () => json('POST', '/v1/waiting-room/entries', { entryId: randomUUID() })),
    );
});
afterAll(async () => {
  await setRoom(false);
  await releaseBrowser(browser);
});

describe('the waiting room page', () => {
  it('shows a place and an estimate in Bahasa Indonesia; a refresh and a second tab keep the place', async () => {
    const { page, faults, context } = await newPage(browser);
    await page.goto(`${apiUrl}/#/antri`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Antrean pendaftaran');
    const place = page.locator('#queue-place');
    await expect.poll(() => place.getAttribute('data-ticket')).toMatch(/^\d+$/);
    const ticket = await place.getAttribute('data-ticket');
    expect(await place.textContent()).toMatch(/Posisi Anda di antrean: [\d.]+/);
    expect(await place.textContent()).toMatch(/Perkiraan menunggu/);
    const entryId = await page.evaluate(() => localStorage.getItem('prakerja.antri.entry'));
    expect(entryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await expect.poll(() => page.locator('#queue-place').getAttribute('data-ticket')).toBe(ticket);
    expect(await page.evaluate(() => localStorage.getItem('prakerja.antri.entry'))).toBe(entryId);

    const second = await context.newPage();
    await second.goto(`${apiUrl}/#/antri`);
    await expect.poll(() => second.locator('#queue-place').getAttribute('data-ticket')).toBe(ticket);
    expect(faults).toEqual([]);
    await context.close();
  });
});

describe('the console page of the waiting room', () => {
  it('shows the room on, its rate and queue, and an admin switches it to automatic, audited', async () => {
    const { page, faults } = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    const admin = admins.find((a) => a.role === 'admin')!;
    await page.goto(`${consoleUrl}/`);
    await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Kata sandi').fill(admin.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.locator('h1', { hasText: 'Gelombang' }).waitFor();
    await page.getByRole('link', { name: 'Ruang tunggu' }).click();
    await page.locator('main h1', { hasText: 'Ruang tunggu pendaftaran' }).waitFor();
    await expect.poll(() => page.locator('#room-on').textContent()).toMatch(/^Menyala/);
    expect(await page.locator('#room-mode').textContent()).toMatch(/^Manual/);
    // The queue this file made waits at one a second.
    expect(Number((await page.locator('#room-queue').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Pengaturan').selectOption('auto');
    await page.getByLabel('Laju masuk (orang per detik)').fill('3');
    await page.getByLabel('Kapasitas (orang per detik)').fill('5');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect.poll(() => page.locator('#room-mode').textContent()).toMatch(/^Otomatis/);
    const room = await json('GET', '/v1/admin/waiting-room', undefined, adminToken);
    expect(room.body).toMatchObject({ auto: true, on: true, ratePerSecond: 3 });
    const audit = await fetch(`${apiUrl}/v1/admin/audit?kind=waiting-room.set&limit=5`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const entries = ((await audit.json()) as { items: Array<{ detail: Record<string, unknown> }> }).items;
    expect(entries.some((e) => e.detail.auto === true && e.detail.ratePerSecond === 3)).toBe(true);
    expect(faults).toEqual([]);
  });
});

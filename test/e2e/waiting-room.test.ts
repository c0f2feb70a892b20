import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launchBrowser, newPage } from './support/browser.ts';

// The waiting room's page (web/src/citizen/pages/waiting-room.tsx): a refresh and a second
// tab keep the place. The room is switched on for this file only, and off after it.
const { apiUrl, admins } = inject('stack');
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
  await browser?.close();
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

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launchBrowser, newPage, releaseBrowser, screenshot } from './support/browser.ts';

const { apiUrl, consoleUrl } = inject('stack');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await releaseBrowser(browser);
});

describe('the registration page', () => {
  it('renders in Bahasa Indonesia with labelled fields, switches to English, and has no serious axe violation', async () => {
    const { page, faults, context } = await newPage(browser);
    await page.goto(`${apiUrl}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Daftar akun Prakerja');
    expect(await page.getByLabel('Nomor HP').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'citizen-register');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Create a Prakerja account');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(faults).toEqual([]);
    await context.close();
  });

  it('shrugs off crafted routes: a prototype name, a broken escape, a dot segment', async () => {
    const { page, faults, context } = await newPage(browser);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${apiUrl}/#constructor`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Daftar akun Prakerja');
    for (const hash of ['#/waves/%E0%A4', '#/waves/..', '#/payout-runs/.']) {
      await page.goto(`${consoleUrl}/${hash}`);
      await expect.poll(() => page.locator('h1').count()).toBeGreaterThan(0);
    }
    expect(requested.filter((path) => path.startsWith('/v1/'))).toEqual([]);
    expect(faults).toEqual([]);
    await context.close();
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launchBrowser, newPage, screenshot } from './support/browser.ts';

const { apiUrl } = inject('stack');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
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
});

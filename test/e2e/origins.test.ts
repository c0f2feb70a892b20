import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerCitizen } from '#test/support/api.ts';
import { launchBrowser, newPage, releaseBrowser } from './support/browser.ts';

// The citizens' site and the administrators' console on two origins (as two CloudFront
// distributions of one build on AWS): the citizens' origin has no console, the console's
// has no citizens' page, and a session kept in one origin's sessionStorage is not the
// other's, in the very same tab.
const { apiUrl, consoleUrl, admins } = inject('stack');
const admin = admins.find((a) => a.role === 'admin')!;
const ADMIN_KEY = 'prakerja.admin.session';
const CITIZEN_KEY = 'prakerja.citizen.session';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await releaseBrowser(browser);
});

const storage = (page: Page) =>
  page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage))) as Promise<Record<string, string>>;

describe('two origins', () => {
  it('are two origins, each serving the API, config.json and the same assets', async () => {
    expect(new URL(consoleUrl).origin).not.toBe(new URL(apiUrl).origin);
    for (const base of [apiUrl, consoleUrl]) {
      expect((await fetch(`${base}/v1/waves?limit=1`)).status, base).toBe(200);
      expect(await (await fetch(`${base}/config.json`)).json(), base).toEqual({ apiUrl: '' });
    }
    const page = await (await fetch(`${consoleUrl}/`)).text();
    const script = /src="(\/assets\/admin-[\w-]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    for (const base of [apiUrl, consoleUrl]) expect((await fetch(`${base}${script}`)).status).toBe(200);
  });

  it("answers 404 for the console on the citizens' origin, and serves it at / on its own", async () => {
    for (const path of ['/admin', '/admin/', '/admin/index.html', '/admin/nope.js']) {
      const r = await fetch(`${apiUrl}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type'), path).toBe('application/problem+json');
      expect(await r.text(), path).not.toContain('Konsol');
    }
    const citizens = await fetch(`${apiUrl}/`);
    expect(await citizens.text()).toContain('<title>Kartu Prakerja</title>');

    const consolePage = await fetch(`${consoleUrl}/`);
    expect(consolePage.status).toBe(200);
    expect(consolePage.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await consolePage.text()).toContain('<title>Konsol Prakerja</title>');
    // The old address redirects to the new one; the citizens' page is not on this origin.
    for (const path of ['/admin', '/admin/', '/admin/index.html']) {
      const r = await fetch(`${consoleUrl}${path}`, { redirect: 'manual' });
      expect(r.status, path).toBe(301);
      expect(r.headers.get('location'), path).toBe('/');
    }
    expect((await fetch(`${consoleUrl}/index.html`)).status).toBe(404);
  });

  it("keeps the administrator's and the citizen's sessions apart in one tab", async () => {
    const { page, faults, context } = await newPage(browser);
    const citizen = await registerCitizen();

    // The citizens' origin has no console, in a browser too.
    expect((await page.goto(`${apiUrl}/admin/`))?.status()).toBe(404);

    // An old console link (with its hash route) lands on the console's own `/`.
    await page.goto(`${consoleUrl}/admin/#/waves`);
    expect(page.url()).toBe(`${consoleUrl}/#/waves`);
    await page.locator('main h1', { hasText: 'Masuk ke konsol' }).waitFor();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Kata sandi').fill(admin.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.locator('h1', { hasText: 'Gelombang' }).waitFor();
    const adminSession = (await storage(page))[ADMIN_KEY];
    const adminToken = (JSON.parse(adminSession ?? '{}') as { token?: string }).token;
    expect(adminToken).toMatch(/\w{20,}/);

    // The same tab on the citizens' origin: none of the console's session is there.
    await page.goto(`${apiUrl}/#/sign-in`);
    await page.locator('h1', { hasText: 'Masuk' }).waitFor();
    expect(await storage(page)).toEqual({});
    await page.getByLabel('Email').fill(citizen.email);
    await page.getByLabel('Kata sandi').fill(citizen.password);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.locator('h1', { hasText: 'Halo,' }).waitFor();
    const citizenStorage = await storage(page);
    const citizenToken = (JSON.parse(citizenStorage[CITIZEN_KEY] ?? '{}') as { token?: string }).token;
    expect(citizenToken).toMatch(/\w{20,}/);
    expect(Object.keys(citizenStorage).filter((key) => !key.startsWith('prakerja.citizen.'))).toEqual([]);
    expect(JSON.stringify(citizenStorage)).not.toContain(adminToken!);
    // A second tab of the same context, on the citizens' origin, sees no console session either.
    const other = await context.newPage();
    await other.goto(`${apiUrl}/`);
    expect(await other.evaluate((key) => sessionStorage.getItem(key), ADMIN_KEY)).toBeNull();
    await other.close();

    // Back on the console's origin in the same tab: still signed in, and only as the admin.
    await page.goto(`${consoleUrl}/#/waves`);
    await page.locator('h1', { hasText: 'Gelombang' }).waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('Peran: Admin');
    const consoleStorage = await storage(page);
    expect(consoleStorage[ADMIN_KEY]).toBe(adminSession);
    expect(Object.keys(consoleStorage).filter((key) => key.startsWith('prakerja.citizen.'))).toEqual([]);
    expect(JSON.stringify(consoleStorage)).not.toContain(citizenToken!);

    const expected = /^console: Failed to load resource: the server responded with a status of 404 /;
    expect(faults.filter((f) => !expected.test(f))).toEqual([]);
    await context.close();
  });
});

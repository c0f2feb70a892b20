import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

// Debian's Chromium driven by playwright-core (no browser download). `.ci/run` installs
// the package when it is missing; the flags keep it off this machine's closed network.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The one Chromium of the browser files (they run one after another in one worker): a
 *  launch per file cost more than the pages some files open. Each file gets fresh
 *  contexts (own storage) from it and closes them when it ends (releaseBrowser). */
let shared: Promise<Browser> | undefined;

export async function launchBrowser(): Promise<Browser> {
  const running = await shared?.catch(() => undefined);
  if (running?.isConnected()) return running;
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  shared = chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return shared;
}

/** A file's end: its contexts closed (no page of it polls on), the browser kept for the next. */
export async function releaseBrowser(browser: Browser | undefined): Promise<void> {
  await Promise.all((browser?.contexts() ?? []).map((context) => context.close()));
}

/** The browser files' end (test/e2e/serial.test.ts). */
export async function closeBrowser(): Promise<void> {
  const running = await shared?.catch(() => undefined);
  shared = undefined;
  await running?.close();
}

/** A fresh context (own storage) whose every CSP violation and page error is recorded. */
export async function newPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; faults: string[] }> {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 } });
  const page = await context.newPage();
  const faults: string[] = [];
  page.on('pageerror', (error) => faults.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') faults.push(`console: ${message.text()}`);
  });
  return { context, page, faults };
}

/** Chrome DevTools' "Slow 3G" preset: 2,000 ms round trip, 400 kbit/s each way. */
export const SLOW_3G = {
  latency: 2000,
  downloadThroughput: (500 * 1000 * 0.8) / 8,
  uploadThroughput: (500 * 1000 * 0.8) / 8,
};

export async function throttle(page: Page, conditions = SLOW_3G): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * axe-core on the page as it is now; the serious and critical violations. Evaluated
 * through the DevTools protocol, which the page's CSP (script-src 'self') does not block.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Once per document: a page moved by its hash router keeps the axe it was given.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const page = globalThis as any;
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const SCREENSHOTS = new URL('../screenshots/', import.meta.url).pathname;

/** A full-page picture for a person to look at (test/e2e/screenshots/, ignored by git). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

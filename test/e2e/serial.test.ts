import { readdirSync } from 'node:fs';
import { afterAll, describe } from 'vitest';
import { closeBrowser } from './support/browser.ts';

// The browser files share a stack and one machine's Chromium: they run one after another,
// as one task beside the rest of the suite (a project that is not file-parallel would run
// after everything else). Each file's tests and hooks stay its own under a describe named
// after it: `npx vitest run --project e2e -t admin.test.ts` runs one.
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.test.ts') && f !== 'serial.test.ts')
  .sort();

// One Chromium for all of them (support/browser.ts), closed after the last.
afterAll(closeBrowser);

for (const file of files)
  describe(file, async () => {
    await import(`./${file}`);
  });

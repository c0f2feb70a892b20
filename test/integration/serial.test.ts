import { describe } from 'vitest';
import { serialFiles } from './serial-files.ts';

// The integration files that move what the whole stack shares (its one clock, the
// demo's and walkthrough's way; the fault switches of a step, a payment partner or the
// senders), one after another on a stack of their own, while the other files run in
// parallel on theirs. Each file's tests and hooks stay its own under a describe named
// after it: `npx vitest run --project integration-serial -t demo.test.ts` runs one.
for (const file of serialFiles)
  describe(file, async () => {
    await import(`./${file}`);
  });

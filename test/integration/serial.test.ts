import { describe, inject } from 'vitest';
import { type SerialGroup, serialGroups } from './serial-files.ts';

// One serial group (serial-files.ts) of its project: the files one after another on the
// project's stack, as one task beside the rest. Each file's tests and hooks stay its own
// under a describe named after it: `npx vitest run --project integration-payout-faults -t
// payouts-faults` runs one.
for (const file of serialGroups[inject('serialGroup') as SerialGroup])
  describe(file, async () => {
    await import(`./${file}`);
  });

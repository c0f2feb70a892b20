import { type Flag, importFlags } from '#contexts/lists/store/lists.ts';
import { clock } from '#platform/clock.ts';
import { faults } from '#platform/faults.ts';
import type { HttpReply } from '#platform/http/contract.ts';
import { Problem } from '#platform/http/problem.ts';

// A list import within its function's time: 10,000 NIKs take a few seconds on AWS, but a
// throttled table or a loaded local engine can make it longer than the function lives. It
// stops taking chunks with this much time left (the chunks in flight finish and it answers)
// and says how far it got; the same call sent again skips what is in (store/lists.ts).
const MARGIN_MS = 3_000;

/** Local tests make an import stop short after N chunks, as if its time had run out. */
export const IMPORT_DEADLINE_FAULT = 'lists.import-deadline';

export async function importList(
  flag: Flag,
  list: string,
  niks: string[],
  timeLeftMs: () => number,
): Promise<HttpReply> {
  const outcome = await importFlags(
    flag,
    niks,
    clock.now(),
    (done) => faults.due(IMPORT_DEADLINE_FAULT, { done }) || timeLeftMs() < MARGIN_MS,
  );
  if (!outcome.complete)
    throw new Problem(
      'import-incomplete',
      `${outcome.imported} of the call's distinct NIKs are on the list; time ran out for the rest. Send the same call again: it skips what is in.`,
      { retryAfterSeconds: 1, extensions: { list, received: niks.length, imported: outcome.imported } },
    );
  return { status: 200, body: { list, received: niks.length, imported: outcome.imported } };
}

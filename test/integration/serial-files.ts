// Integration files that move what every file on a stack would see, so they run one at a
// time (serial.test.ts), each group on a stack of its own, beside the files that run in
// parallel on theirs. Group names are the Vitest projects'.
export const serialGroups = {
  // The backend's one clock (the demo and scripts move it as documented, with no scope of
  // their own), a step's armed fault, the senders' fault switch; and the files that read
  // the stack's whole log and count lines of an operation any file makes.
  'integration-switches': [
    'demo.test.ts',
    'walkthrough.test.ts',
    'seed-demo.test.ts',
    'selection-pages.test.ts',
    'notifications.test.ts',
    'logs.test.ts',
    'metrics.test.ts',
    // Its cost check reads an operation's last metrics line, which a fuzzed or another
    // file's request of the same route could have written.
    'me-purchases.test.ts',
    // The waiting room is one per stack: switched on, every registration needs a token.
    'admission.test.ts',
    // The stand-ins' sending rate and the after-send fault; its tally counts every send.
    'notices.test.ts',
  ],
  // Payout runs: a run stages every incentive due by its period, whoever seeded it, and
  // meets a payment partner's faults or clock set by any file. The longest scenarios (the
  // partners failing for minutes) are spread over stacks of their own.
  'integration-payouts': [
    'payouts.test.ts',
    'payout-runs.test.ts',
    'payouts-reconcile.test.ts',
    'payouts-staging.test.ts',
    // Not a payout file: it arms the list import's deadline fault, which any import on the
    // stack would meet.
    'lists.test.ts',
  ],
  // The central faults scenario: its partners fail for a minute or more (its batches'
  // redeliveries, 20 s apart). Then the draws' file, whose draws move the backend's clock and
  // arm the selection's faults (a group of their own would be a seventh long task, starving
  // the parallel files of workers; after the faults run they finish with the others).
  'integration-payout-faults': ['payouts-faults.test.ts', 'selection.test.ts'],
  'integration-payout-outages': [
    'payouts-dead-letter.test.ts',
    'workflow-ended.test.ts',
    'payment-partners.test.ts',
    'payout-accounts.test.ts',
    // The civil-registry simulator's outage and latency: every profile saved on the stack
    // meets them, and a draw would leave its citizens unchecked.
    'registry.test.ts',
    // The operators' sending rates: the registry's and the providers' are the whole stack's.
    'sending-rates.test.ts',
    // A stack runs one selection at a time: this draw of thousands holds it for minutes,
    // which the parallel files' selections would wait out past their time. No payout file
    // here selects.
    'selection-reproducible.test.ts',
  ],
} as const;

export type SerialGroup = keyof typeof serialGroups;

/** The serial groups' payout figures on test time: a partner that does not answer is given up
 *  on after 500 ms, and an unsettled queue message comes back after 20 s, not 4 minutes. */
const PAYOUT_TEST_TIME = { PAYMENT_TIMEOUT_MS: '500', PAYOUT_VISIBILITY_TIMEOUT_S: '20' };

/** The environment of each project's stack. The outages group waits out ten deliveries of
 *  a few small batches: 6 s apart instead of 20 (its batches are settled in far less than
 *  the dispatcher's window of half the visibility), which takes minutes off the longest
 *  chain. The faults scenario's big batches keep 20 s. */
export function stackEnvironment(project: string): Record<string, string> {
  return { ...stretchedTimeouts, ...payoutEnvironment(project) };
}

/** Six stacks share two cores: a request Lambda would answer in 1 s can take 5 here. The
 *  HTTP functions' timeouts (10 s, 28 for the list imports) are counted three times over,
 *  what a loaded run needs (requests of 10 to 30 s ended in 500 at 10 s). */
export const stretchedTimeouts = { HTTP_TIMEOUT_SCALE: '3' };

function payoutEnvironment(project: string): Record<string, string> {
  // Its partners fail outright (no timeouts are injected there), so a call on a loaded
  // machine gets 2 s before it counts as the partner's timeout (a 503 to a relink).
  if (project === 'integration-payout-outages')
    return { PAYMENT_TIMEOUT_MS: '2000', PAYOUT_VISIBILITY_TIMEOUT_S: '6' };
  // The parallel files run no payout and arm no partner fault (the fuzz test never sends
  // one a valid body): a short timeout would spare no wait there, only turn a partner's
  // answer slowed by a loaded stack into a 503 (a payout account's link, phone-verification).
  // They keep the deployed 5 s.
  if (project === 'integration') return { PAYMENT_TIMEOUT_MS: '5000', PAYOUT_VISIBILITY_TIMEOUT_S: '20' };
  // Staging and paying runs of hundreds, and the 10,000-NIK import, in 100-item
  // transactions: the engine's optimizing compiler pays back here (the import took 8.3 s
  // with the quick one alone, 5.7 s with both).
  if (project === 'integration-payouts') return { ...PAYOUT_TEST_TIME, DYNAMODB_LOCAL_FULL_JIT: '1' };
  return PAYOUT_TEST_TIME;
}
export const serialFiles: readonly string[] = Object.values(serialGroups).flat();

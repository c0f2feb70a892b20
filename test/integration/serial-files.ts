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
    'selection.test.ts',
    'selection-pages.test.ts',
    'notifications.test.ts',
    'logs.test.ts',
    'metrics.test.ts',
    // Its cost check reads an operation's last metrics line, which a fuzzed or another
    // file's request of the same route could have written.
    'me-purchases.test.ts',
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
    // Not a payout file: a 10,000-NIK import must finish within Lambda's 30 s, which the
    // parallel files' load on their stack can push it past.
    'lists.test.ts',
  ],
  'integration-payout-faults': [
    'payouts-faults.test.ts',
    'payment-partners.test.ts',
    'payout-accounts.test.ts',
  ],
  'integration-payout-outages': [
    'payouts-dead-letter.test.ts',
    'workflow-ended.test.ts',
    // A stack runs one selection at a time: this draw of thousands holds it for minutes,
    // which the parallel files' selections would wait out past their time. No payout file
    // here selects.
    'selection-reproducible.test.ts',
  ],
} as const;

export type SerialGroup = keyof typeof serialGroups;
export const serialFiles: readonly string[] = Object.values(serialGroups).flat();

// Integration files run one at a time on a stack of their own (serial.test.ts), because
// they move what every file on a stack would see: the backend's one clock (the scripts
// that move it as documented, without a scope of their own), a step's armed fault, a
// payment partner's faults or clock, the senders' fault switch; or that read the stack's
// whole log and count lines of an operation any file makes.
export const serialFiles = [
  'demo.test.ts',
  'walkthrough.test.ts',
  'seed-demo.test.ts',
  'payouts-faults.test.ts',
  'payouts-reconcile.test.ts',
  'payment-partners.test.ts',
  'notifications.test.ts',
  'selection.test.ts',
  'selection-pages.test.ts',
  'logs.test.ts',
  'metrics.test.ts',
] as const;

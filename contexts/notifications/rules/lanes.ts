// Which path a message leaves by (docs/notifications.md). A code is something a citizen
// waits for on screen: it leaves at once from the stream consumer and no bulk notice is
// ahead of it. Everything else (selection results, deadlines, payouts, revocations) is a
// bulk notice: it waits its turn in a queue drained at the provider's sending rate. A new
// template is bulk until it is named here: slow, but never lost.
export const CODE_TEMPLATES: ReadonlySet<string> = new Set([
  'verify-email',
  'verify-phone',
  'purchase-otp',
  'payout-account-otp',
  // Sent while someone tries the citizen's password: late, it warns of nothing.
  'sign-in-locked',
]);

export type Lane = 'code' | 'bulk';

export const laneOf = (template: string): Lane => (CODE_TEMPLATES.has(template) ? 'code' : 'bulk');

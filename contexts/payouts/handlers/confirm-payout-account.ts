import { judgeCode, MAX_CODE_ATTEMPTS } from '#contexts/accounts/rules/verification.ts';
import { httpHandler } from '#contexts/http.ts';
import { confirmPayoutAccount } from '#contexts/payouts/routes.ts';
import {
  countWrongPayoutCode,
  getPayoutAccount,
  verifyPayoutAccount,
} from '#contexts/payouts/store/payout-accounts.ts';
import { countWrongCodeToday, wrongCodesToday } from '#contexts/payouts/store/payout-limits.ts';
import { clock } from '#platform/clock.ts';
import { hashCode } from '#platform/crypto.ts';
import { Problem, problems } from '#platform/http/problem.ts';

// Five wrong codes lock linking for the day: the count is the participant's of the day,
// not the code's, so asking for a new code (linking again) does not reset it.
const locked = () => new Problem('code-locked', 'Five wrong codes today: link the account again tomorrow.');
const notPending = () =>
  new Problem('payout-account-not-pending', 'The payout account is not waiting for a code.');

export const handler = httpHandler(confirmPayoutAccount, async ({ body, principal }) => {
  const account = await getPayoutAccount(principal.accountId);
  if (!account) throw problems.notFound('No payout account: link one first.');
  if (account.status !== 'PENDING_VERIFICATION') throw notPending();
  const now = clock.now();
  if ((await wrongCodesToday(principal.accountId, now)) >= MAX_CODE_ATTEMPTS) throw locked();
  const presented = account.otp ? hashCode(body.otp, account.otp.salt) : '';
  const verdict = judgeCode(account.otp, presented, now.getTime());
  if (verdict === 'locked') throw locked();
  if (verdict === 'expired')
    throw new Problem('code-expired', 'The code has expired: link the account again.');
  if (verdict === 'invalid') {
    // A wrong guess counts only if it took one of the tries left, the day's first (they
    // outlive the code) then the code's (concurrent guesses race).
    if (!(await countWrongCodeToday(principal.accountId, now))) throw locked();
    if (!(await countWrongPayoutCode(principal.accountId))) throw locked();
    throw new Problem('invalid-code', 'The code does not match.');
  }
  const outcome = await verifyPayoutAccount(account, now);
  if (outcome === 'locked') throw locked();
  if (outcome === 'not-pending') throw notPending();
  // The response schema (PayoutAccountView) shows what of it a citizen may see.
  return {
    status: 200,
    body: { ...account, status: 'VERIFIED', verifiedAt: now.toISOString() },
    audit: { accountNumberMasked: account.accountNumberMasked },
  };
});

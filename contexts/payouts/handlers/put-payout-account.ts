import { inactiveAccount, phoneNotVerified } from '#contexts/accounts/account-guard.ts';
import { account as accountItem, profile as profileItem } from '#contexts/accounts/items.ts';
import { AccountInactive, issueCode } from '#contexts/accounts/store/accounts.ts';
import { accountItems } from '#contexts/accounts/store/profiles.ts';
import { httpHandler } from '#contexts/http.ts';
import { findPartnerByCode } from '#contexts/partners/store/partners.ts';
import { payoutAccount } from '#contexts/payouts/items.ts';
import { paymentPartners } from '#contexts/payouts/payments/https.ts';
import { paymentPartnerSpec } from '#contexts/payouts/payments/partners.ts';
import { type InquiryResult, PartnerTimeout, PartnerUnavailable } from '#contexts/payouts/payments/port.ts';
import { putPayoutAccount } from '#contexts/payouts/routes.ts';
import {
  accountNumberProblem,
  maskAccountNumber,
  NOT_VERIFIED,
  sameHolder,
} from '#contexts/payouts/rules/payouts.ts';
import {
  ConcurrentChange,
  changePayoutAccount,
  PayoutInProgress,
  PayoutNumberTaken,
  payoutInProgress,
  payoutNumberHash,
} from '#contexts/payouts/store/payout-accounts.ts';
import { claimLink } from '#contexts/payouts/store/payout-limits.ts';
import { participant } from '#contexts/selection/items.ts';
import { clock } from '#platform/clock.ts';
import { decrypt } from '#platform/crypto.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { pick } from '#platform/store/item.ts';

/** The partner's reason why its answer does not make this the participant's own account:
 *  for the audit record only (the citizen is told NOT_VERIFIED, whatever it is). */
function mismatch(inquiry: InquiryResult, fullName: string, eWallet: boolean): string | undefined {
  if (!inquiry.found) return 'account-not-found';
  if (!sameHolder(fullName, inquiry.holderName)) return 'name-mismatch';
  if (!inquiry.nikMatches) return 'nik-mismatch';
  if (eWallet && !inquiry.kycVerified) return 'kyc-incomplete';
  return undefined;
}

const rateLimited = (retryAfterSeconds: number) =>
  new Problem(
    'rate-limited',
    `Too many attempts to link a payout account today: try again in ${retryAfterSeconds} s.`,
    {
      retryAfterSeconds,
    },
  );

const inProgress = () =>
  new Problem('payout-in-progress', 'A payout run is paying this participant: change the account after it.');

// What we know is checked before the partner is asked anything: the participant, the
// number's form, the partner's status, a run holding an incentive (409 even while the
// partner is down), then the day's link limits (429), and only then the inquiry.
export const handler = httpHandler(putPayoutAccount, async ({ body, principal }) => {
  const spec = paymentPartnerSpec(body.partnerCode);
  if (!spec) throw problems.validation([{ path: 'partnerCode', message: 'not a payment partner' }]);
  const items = await accountItems(principal.accountId);
  const account = pick(items, accountItem);
  const profile = pick(items, profileItem);
  if (!account) throw await inactiveAccount(principal.accountId);
  if (!profile || !pick(items, participant))
    throw new Problem('not-participant', 'Incentives are paid to participants only.');
  // The link is confirmed by an SMS code (and an e-wallet is the phone): verified first.
  // A verified phone stays verified, so this read needs no check in the transaction.
  if (!account.phoneVerified) throw phoneNotVerified();
  const numberProblem = accountNumberProblem(spec.kind, body.accountNumber, account.phone);
  if (numberProblem) throw problems.validation([{ path: 'accountNumber', message: numberProblem }]);
  const partner = await findPartnerByCode(spec.code);
  if (partner?.kind !== 'payment' || partner.status !== 'LIVE')
    throw new Problem('partner-not-live', 'This payment partner does not pay incentives yet.');

  if (await payoutInProgress(principal.accountId)) throw inProgress();
  const claim = await claimLink(
    principal.accountId,
    await payoutNumberHash(spec.code, body.accountNumber),
    clock.now(),
  );
  if (!claim.granted) throw rateLimited(claim.retryAfterSeconds);

  let inquiry: InquiryResult;
  try {
    inquiry = await paymentPartners().inquire(spec.code, {
      accountNumber: body.accountNumber,
      nik: await decrypt(profile.nikSealed),
      name: account.fullName,
    });
  } catch (error) {
    if (error instanceof PartnerTimeout || error instanceof PartnerUnavailable)
      throw new Problem('partner-unavailable', 'The payment partner did not answer: try again in a minute.');
    throw error;
  }
  const now = clock.now();
  const partnerReason = mismatch(inquiry, account.fullName, spec.kind === 'e-wallet');
  const reason = partnerReason && NOT_VERIFIED;
  const previous = pick(items, payoutAccount);
  const { code, stored } = issueCode(now.getTime());
  const masked = maskAccountNumber(body.accountNumber);
  try {
    const saved = await changePayoutAccount(
      principal.accountId,
      {
        partnerCode: spec.code,
        accountNumber: body.accountNumber,
        accountNumberMasked: masked,
        ...(reason
          ? { status: 'REJECTED', reason }
          : {
              status: 'PENDING_VERIFICATION',
              otp: stored,
              message: {
                to: account.phone,
                channel: 'sms',
                template: 'payout-account-otp',
                code,
                data: { partner: spec.code, account: masked },
              },
            }),
      },
      previous,
      now,
    );
    return {
      status: 202,
      body: saved,
      // Which account, masked (a later change must not erase which one was linked before),
      // and the partner's own reason: never the number in clear, never the NIK.
      audit: {
        accountNumberMasked: masked,
        ...(partnerReason ? { partnerReason } : {}),
        ...(previous
          ? {
              previousPartnerCode: previous.partnerCode,
              previousAccountNumberMasked: previous.accountNumberMasked,
              previousStatus: previous.status,
            }
          : {}),
      },
    };
  } catch (error) {
    if (error instanceof PayoutInProgress) throw inProgress();
    if (error instanceof PayoutNumberTaken)
      throw new Problem('duplicate-payout-account', 'This account is linked to another participant.');
    if (error instanceof ConcurrentChange)
      throw new Problem('payout-account-changed', 'The payout account changed meanwhile: try again.');
    if (error instanceof AccountInactive) throw await inactiveAccount(principal.accountId);
    throw error;
  }
});

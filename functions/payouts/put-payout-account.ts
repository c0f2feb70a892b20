import { clock } from '#shared/clock.ts';
import { putPayoutAccount } from '#shared/contracts/payouts.ts';
import { decrypt } from '#shared/crypto.ts';
import { accountNumberProblem, maskAccountNumber, sameHolder } from '#shared/domain/payouts.ts';
import { inactiveAccount } from '#shared/http/account-guard.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { paymentPartners } from '#shared/payments/https.ts';
import { paymentPartnerSpec } from '#shared/payments/partners.ts';
import { type InquiryResult, PartnerTimeout, PartnerUnavailable } from '#shared/payments/port.ts';
import { AccountInactive, issueCode } from '#shared/store/accounts.ts';
import { pick } from '#shared/store/item.ts';
import {
  account as accountItem,
  participant,
  payoutAccount,
  profile as profileItem,
} from '#shared/store/items.ts';
import { findPartnerByCode } from '#shared/store/partners.ts';
import {
  ConcurrentChange,
  changePayoutAccount,
  PayoutInProgress,
  PayoutNumberTaken,
} from '#shared/store/payout-accounts.ts';
import { accountItems } from '#shared/store/profiles.ts';

/** Why the partner's answer does not make this the participant's own account. */
function mismatch(inquiry: InquiryResult, fullName: string, eWallet: boolean): string | undefined {
  if (!inquiry.found) return 'account-not-found';
  if (!sameHolder(fullName, inquiry.holderName)) return 'name-mismatch';
  if (!inquiry.nikMatches) return 'nik-mismatch';
  if (eWallet && !inquiry.kycVerified) return 'kyc-incomplete';
  return undefined;
}

export const handler = httpHandler(putPayoutAccount, async ({ body, principal }) => {
  const spec = paymentPartnerSpec(body.partnerCode);
  if (!spec) throw problems.validation([{ path: 'partnerCode', message: 'not a payment partner' }]);
  const items = await accountItems(principal.accountId);
  const account = pick(items, accountItem);
  const profile = pick(items, profileItem);
  if (!account) throw await inactiveAccount(principal.accountId);
  if (!profile || !pick(items, participant))
    throw new Problem('not-participant', 'Incentives are paid to participants only.');
  const numberProblem = accountNumberProblem(spec.kind, body.accountNumber, account.phone);
  if (numberProblem) throw problems.validation([{ path: 'accountNumber', message: numberProblem }]);
  const partner = await findPartnerByCode(spec.code);
  if (partner?.kind !== 'payment' || partner.status !== 'LIVE')
    throw new Problem('partner-not-live', 'This payment partner does not pay incentives yet.');

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
  const reason = mismatch(inquiry, account.fullName, spec.kind === 'e-wallet');
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
      pick(items, payoutAccount),
      now,
    );
    return { status: 202, body: saved };
  } catch (error) {
    if (error instanceof PayoutInProgress)
      throw new Problem(
        'payout-in-progress',
        'A payout run is paying this participant: change the account after it.',
      );
    if (error instanceof PayoutNumberTaken)
      throw new Problem('duplicate-payout-account', 'This account is linked to another participant.');
    if (error instanceof ConcurrentChange)
      throw new Problem('payout-account-changed', 'The payout account changed meanwhile: try again.');
    if (error instanceof AccountInactive) throw await inactiveAccount(principal.accountId);
    throw error;
  }
});

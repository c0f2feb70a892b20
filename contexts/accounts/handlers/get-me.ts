import { account as accountItem, profile as profileItem } from '#contexts/accounts/items.ts';
import { getMe } from '#contexts/accounts/routes.ts';
import { isExpired } from '#contexts/accounts/rules/accounts.ts';
import { getEmailMarker } from '#contexts/accounts/store/accounts.ts';
import { accountItems } from '#contexts/accounts/store/profiles.ts';
import { httpHandler } from '#contexts/http.ts';
import { payoutAccount as payoutAccountItem } from '#contexts/payouts/items.ts';
import { registryCheck as registryCheckItem } from '#contexts/registry/items.ts';
import { outcome as outcomeItem, participant as participantItem } from '#contexts/selection/items.ts';
import { application } from '#contexts/waves/items.ts';
import { clock } from '#platform/clock.ts';
import { problems } from '#platform/http/problem.ts';
import { pick, pickAll } from '#platform/store/item.ts';

// The account id comes from the token only: a citizen can read nothing but their own.
export const handler = httpHandler(getMe, async ({ principal }) => {
  const items = await accountItems(principal.accountId);
  const account = pick(items, accountItem);
  // An expired unverified account is gone, whether or not the TTL has deleted it yet.
  if (!account || isExpired(account, clock.nowMs())) throw problems.notFound('The account no longer exists.');
  // Every verification sets its flag on the account and the email marker at once; an
  // account verified under the old flow kept its first channel's flag on the marker only.
  const complete = account.emailVerified && account.phoneVerified;
  const flags = complete ? account : ((await getEmailMarker(account.email, clock.now())) ?? account);
  const profile = pick(items, profileItem);
  const participant = pick(items, participantItem);
  // The selection's decision sits beside the application; undecided, it is still JOINED.
  const decided = new Map(pickAll(items, outcomeItem).map((o) => [o.waveId, o.outcome]));
  const waves = pickAll(items, application).map(({ waveId, joinedAt }) => ({
    waveId,
    outcome: decided.get(waveId) ?? 'JOINED',
    joinedAt,
  }));
  return {
    status: 200,
    body: {
      accountId: account.accountId,
      fullName: account.fullName,
      email: account.email,
      phone: account.phone,
      role: account.role,
      verification: { email: flags.emailVerified === true, phone: flags.phoneVerified === true },
      // The response schema (ProfileView) names what of the stored profile is shown.
      profile: profile ?? null,
      profileComplete: profile !== undefined,
      waves,
      participant: participant
        ? {
            cardNumber: participant.cardNumber,
            balanceIdr: participant.balanceIdr,
            status: participant.status,
            purchaseDeadline: participant.purchaseDeadline,
          }
        : null,
      // The response schema shows the partner, the masked number, the status and reason.
      payoutAccount: pick(items, payoutAccountItem) ?? null,
      registryCheck: registryState(pick(items, registryCheckItem), profile),
    },
  };
});

/** The check of the profile as it stands (a check of an earlier identity is no answer). */
function registryState(
  check: ReturnType<typeof registryCheckItem.parse> | undefined,
  profile: { nikHash: string; birthDate: string } | undefined,
): 'PENDING' | 'VERIFIED' | 'FAILED' | null {
  if (!profile) return null;
  if (!check || check.nikHash !== profile.nikHash || check.birthDate !== profile.birthDate) return 'PENDING';
  return check.status;
}

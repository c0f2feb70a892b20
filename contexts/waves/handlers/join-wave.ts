import { accountProblem, inactiveAccount } from '#contexts/accounts/account-guard.ts';
import { account as accountItem, profile as profileItem } from '#contexts/accounts/items.ts';
import { accountState } from '#contexts/accounts/rules/accounts.ts';
import { AccountInactive } from '#contexts/accounts/store/accounts.ts';
import { accountItems } from '#contexts/accounts/store/profiles.ts';
import { admission, admitted } from '#contexts/admission/room.ts';
import { httpHandler } from '#contexts/http.ts';
import { registryCheck } from '#contexts/registry/items.ts';
import { startMissingCheck } from '#contexts/registry/store/checks.ts';
import { participant } from '#contexts/selection/items.ts';
import { application } from '#contexts/waves/items.ts';
import { joinWave } from '#contexts/waves/routes.ts';
import { ineligibility } from '#contexts/waves/rules/eligibility.ts';
import { type JoinRefusal, joinRefusal, waveStatus } from '#contexts/waves/rules/waves.ts';
import { cachedWave } from '#contexts/waves/store/wave-cache.ts';
import { insertApplication, JoinRefused } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { pick } from '#platform/store/item.ts';

const REFUSALS: Record<JoinRefusal, string> = {
  'not-verified': 'Verify your email first.',
  'profile-incomplete': 'Complete your personal data first.',
  'already-participant': 'You are already a participant of the programme.',
  'already-joined': 'You have already joined this wave.',
  'wave-not-open': 'This wave is not open for joining.',
};

// Two calls: one Query of the account's partition (account, profile, applications,
// participant) and the transaction; the wave comes from the container's cache (and the
// waiting room's state too, read at most once a second).
export const handler = httpHandler(joinWave, async ({ params, principal, headers }) => {
  // While the waiting room is on, only an admitted entry joins (once per wave).
  const admissionUsed = await admission(headers['x-admission-token'], `join#${params.waveId}`, clock.now());
  const [items, wave] = await Promise.all([accountItems(principal.accountId), cachedWave(params.waveId)]);
  if (!wave) throw problems.notFound('No such wave.');
  const now = clock.now();
  const account = pick(items, accountItem);
  const state = accountState(account, now.getTime());
  if (!account || state === 'gone' || state === 'disabled') throw accountProblem(state)!;
  const profile = pick(items, profileItem);
  const refusal = joinRefusal({
    emailVerified: account.emailVerified,
    hasProfile: profile !== undefined,
    isParticipant: pick(items, participant) !== undefined,
    hasJoined: items.some((i) => application.matches(i) && application.partsOf(i).waveId === wave.waveId),
    status: waveStatus(wave, now),
  });
  if (refusal) throw new Problem(refusal, REFUSALS[refusal]);
  const reasons = ineligibility(profile!, wave);
  if (reasons.length) {
    throw new Problem('ineligible', 'The declarations or the age exclude this wave.', {
      extensions: { reasons },
    });
  }
  const joinedAt = now.toISOString();
  try {
    await admitted(now, () =>
      insertApplication(
        {
          accountId: principal.accountId,
          waveId: wave.waveId,
          joinedAt,
          email: account.email,
          phone: account.phone,
          nikHash: profile!.nikHash,
          kkHash: profile!.kkHash,
          birthDate: profile!.birthDate,
          gender: profile!.gender,
          provinceCode: profile!.provinceCode,
          workStatus: profile!.workStatus,
          declarations: profile!.declarations,
        },
        admissionUsed,
      ),
    );
  } catch (error) {
    if (error instanceof JoinRefused) throw new Problem(error.reason, REFUSALS[error.reason]);
    if (error instanceof AccountInactive) throw await inactiveAccount(principal.accountId);
    throw error;
  }
  // A profile saved before the civil registry's check existed has none: joining starts it,
  // so the draw (which screens out the unchecked) finds it answered. No extra read: the
  // Query above holds the partition.
  if (!pick(items, registryCheck)) await startMissingCheck(principal.accountId, profile!, now);
  return { status: 201, body: { waveId: wave.waveId, joinedAt, outcome: 'JOINED' } };
});

import { clock } from '#shared/clock.ts';
import { joinWave } from '#shared/contracts/waves.ts';
import { accountState } from '#shared/domain/accounts.ts';
import { ineligibility } from '#shared/domain/eligibility.ts';
import { type JoinRefusal, joinRefusal, waveStatus } from '#shared/domain/waves.ts';
import { accountProblem, inactiveAccount } from '#shared/http/account-guard.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { account as accountItem, profile as profileItem } from '#shared/items/accounts.ts';
import { participant } from '#shared/items/selection.ts';
import { application } from '#shared/items/waves.ts';
import { AccountInactive } from '#shared/store/accounts.ts';
import { pick } from '#shared/store/item.ts';
import { accountItems } from '#shared/store/profiles.ts';
import { cachedWave } from '#shared/store/wave-cache.ts';
import { insertApplication, JoinRefused } from '#shared/store/waves.ts';

const REFUSALS: Record<JoinRefusal, string> = {
  'not-verified': 'Verify your email and phone first.',
  'profile-incomplete': 'Complete your personal data first.',
  'already-participant': 'You are already a participant of the programme.',
  'already-joined': 'You have already joined this wave.',
  'wave-not-open': 'This wave is not open for joining.',
};

// Two calls: one Query of the account's partition (account, profile, applications,
// participant) and the transaction; the wave comes from the container's cache.
export const handler = httpHandler(joinWave, async ({ params, principal }) => {
  const [items, wave] = await Promise.all([accountItems(principal.accountId), cachedWave(params.waveId)]);
  if (!wave) throw problems.notFound('No such wave.');
  const now = clock.now();
  const account = pick(items, accountItem);
  const state = accountState(account, now.getTime());
  if (!account || state === 'gone' || state === 'disabled') throw accountProblem(state)!;
  const profile = pick(items, profileItem);
  const refusal = joinRefusal({
    emailVerified: account.emailVerified,
    phoneVerified: account.phoneVerified,
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
    await insertApplication({
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
    });
  } catch (error) {
    if (error instanceof JoinRefused) throw new Problem(error.reason, REFUSALS[error.reason]);
    if (error instanceof AccountInactive) throw await inactiveAccount(principal.accountId);
    throw error;
  }
  return { status: 201, body: { waveId: wave.waveId, joinedAt, outcome: 'JOINED' } };
});

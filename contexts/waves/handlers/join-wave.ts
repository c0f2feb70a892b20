import { accountProblem, inactiveAccount } from '#contexts/accounts/account-guard.ts';
import { account as accountItem, profile as profileItem } from '#contexts/accounts/items.ts';
import { accountState } from '#contexts/accounts/rules/accounts.ts';
import { AccountInactive } from '#contexts/accounts/store/accounts.ts';
import { accountItems } from '#contexts/accounts/store/profiles.ts';
import { admission, admitted } from '#contexts/admission/room.ts';
import { httpHandler } from '#contexts/http.ts';
import { registryCheck } from '#contexts/registry/items.ts';
import { joinPlan } from '#contexts/registry/rules/pending.ts';
import { enqueueChecks, joinCheckWrites } from '#contexts/registry/store/checks.ts';
import { participant } from '#contexts/selection/items.ts';
import { application, profileCopy } from '#contexts/waves/items.ts';
import { joinWave } from '#contexts/waves/routes.ts';
import { ineligibility } from '#contexts/waves/rules/eligibility.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { type JoinRefusal, joinRefusal, waveStatus } from '#contexts/waves/rules/waves.ts';
import { cachedWave } from '#contexts/waves/store/wave-cache.ts';
import { insertApplication, JoinMoved, JoinRefused } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { logger } from '#platform/logger.ts';
import { pick, type RawItem } from '#platform/store/item.ts';
import type { TransactItem } from '#platform/store/transact.ts';

const REFUSALS: Record<JoinRefusal, string> = {
  'not-verified': 'Verify your email first.',
  'profile-incomplete': 'Complete your personal data first.',
  'already-participant': 'You are already a participant of the programme.',
  'already-joined': 'You have already joined this wave.',
  'wave-not-open': 'This wave is not open for joining.',
};

const MAX_ATTEMPTS = 3;

// Two calls: one Query of the account's partition (account, profile, applications,
// participant, registry check) and the transaction; the wave comes from the container's
// cache (and the waiting room's state too, read at most once a second). A profile or
// registry check that moved between them (rare: the citizen's own save, the check's
// answer) reads the partition again.
export const handler = httpHandler(joinWave, async ({ params, principal, headers }) => {
  // While the waiting room is on, only an admitted entry joins (once per wave).
  const admissionUsed = await admission(headers['x-admission-token'], `join#${params.waveId}`, clock.now());
  const [first, wave] = await Promise.all([accountItems(principal.accountId), cachedWave(params.waveId)]);
  if (!wave) throw problems.notFound('No such wave.');
  let items = first;
  for (let attempt = 1; ; attempt++) {
    try {
      const joinedAt = await join(items, wave, principal.accountId, admissionUsed);
      return { status: 201, body: { waveId: wave.waveId, joinedAt, outcome: 'JOINED' } };
    } catch (error) {
      if (!(error instanceof JoinMoved) || attempt >= MAX_ATTEMPTS) throw error;
      items = await accountItems(principal.accountId);
    }
  }
});

async function join(items: RawItem[], wave: Wave, accountId: string, admissionUsed: TransactItem[]) {
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
  // The registry check: a pending one marks this wave (the draw waits for it); a profile
  // saved before checks existed has none, and joining starts it.
  const check = pick(items, registryCheck);
  const plan = joinPlan(check && { ...check, waves: check.waves ?? new Set() });
  const checkWrites = joinCheckWrites(plan, accountId, wave.waveId, profile!, now);
  const joinedAt = now.toISOString();
  try {
    await admitted(now, () =>
      insertApplication(
        {
          accountId,
          waveId: wave.waveId,
          joinedAt,
          email: account.email,
          phone: account.phone,
          ...profileCopy(profile!),
        },
        admissionUsed,
        { profileUpdatedAt: profile!.updatedAt, check: checkWrites.writes },
      ),
    );
  } catch (error) {
    if (error instanceof JoinRefused) throw new Problem(error.reason, REFUSALS[error.reason]);
    if (error instanceof AccountInactive) throw await inactiveAccount(accountId);
    throw error;
  }
  if (checkWrites.message)
    await enqueueChecks([checkWrites.message]).catch((error: Error) =>
      logger.error('registry check not queued', { accountId, error: error.name }),
    );
  return joinedAt;
}

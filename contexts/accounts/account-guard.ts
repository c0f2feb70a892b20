import type { Account } from '#contexts/accounts/items.ts';
import { type AccountState, accountState } from '#contexts/accounts/rules/accounts.ts';
import { getAccount } from '#contexts/accounts/store/accounts.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

// A token outlives what it stands for: every citizen write re-checks the account, before
// (for a clear answer) and inside its transaction (activeAccountCheck, for the race).
export function accountProblem(state: AccountState): Problem | undefined {
  switch (state) {
    case 'active':
      return undefined;
    case 'unverified':
      return new Problem('not-verified', 'Verify your email and phone first.');
    case 'disabled':
      return problems.unauthorized('The account is disabled.');
    case 'gone':
      return problems.unauthorized('The account no longer exists.');
  }
}

/** Reads the caller's account and refuses unless it is active. */
export async function requireActiveAccount(accountId: string): Promise<Account> {
  const account = await getAccount(accountId, clock.now());
  const problem = accountProblem(accountState(account, clock.nowMs()));
  if (problem) throw problem;
  return account!;
}

/** After a transaction's account check failed: why, from a fresh read. */
export async function inactiveAccount(accountId: string): Promise<Problem> {
  const account = await getAccount(accountId, clock.now());
  return (
    accountProblem(accountState(account, clock.nowMs())) ?? problems.unauthorized('The account changed.')
  );
}

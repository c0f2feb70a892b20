import { accountProblem, inactiveAccount } from '#contexts/accounts/account-guard.ts';
import { putProfile } from '#contexts/accounts/routes.ts';
import { KK_MESSAGES, NIK_MESSAGES, validateKk, validateNik } from '#contexts/accounts/rules/nik.ts';
import { isProvinceCode } from '#contexts/accounts/rules/provinces.ts';
import { AccountInactive } from '#contexts/accounts/store/accounts.ts';
import { DuplicateNik, NikLocked, ProfileLocked, saveProfile } from '#contexts/accounts/store/profiles.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

export const handler = httpHandler(putProfile, async ({ body, principal }) => {
  if (!isProvinceCode(body.provinceCode)) {
    throw problems.validation([{ path: 'provinceCode', message: 'Not a province code.' }]);
  }
  const nikReasons = validateNik(body.nik, body);
  if (nikReasons.length) {
    const errors = nikReasons.map((reason) => ({ path: 'nik', message: NIK_MESSAGES[reason] }));
    throw new Problem('invalid-nik', 'The NIK is malformed or disagrees with the data entered.', { errors });
  }
  const kkReasons = validateKk(body.kk);
  if (kkReasons.length) {
    const errors = kkReasons.map((reason) => ({ path: 'kk', message: KK_MESSAGES[reason] }));
    throw new Problem('invalid-kk', 'The family card number is malformed.', { errors });
  }
  // Only a verified, live account may claim a NIK: no squatting from a throwaway account.
  // The save's transaction checks the account, and its failure says why (no read first).
  try {
    return { status: 200, body: await saveProfile(principal.accountId, body, clock.now()) };
  } catch (error) {
    if (error instanceof AccountInactive)
      throw (error.state && accountProblem(error.state)) || (await inactiveAccount(principal.accountId));
    if (error instanceof DuplicateNik) throw new Problem('duplicate-nik', 'Another account holds this NIK.');
    if (error instanceof NikLocked) {
      throw new Problem('nik-locked', 'The NIK cannot change once the account has joined a wave.');
    }
    if (error instanceof ProfileLocked) {
      throw new Problem(
        'profile-locked',
        'The family card, the declarations and the birth date cannot change once the account has joined a wave: an administrator corrects them.',
        { errors: error.fields.map((path) => ({ path, message: 'Locked since a wave was joined.' })) },
      );
    }
    throw error;
  }
});

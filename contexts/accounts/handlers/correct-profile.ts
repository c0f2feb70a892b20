import { correctProfile } from '#contexts/accounts/routes.ts';
import { KK_MESSAGES, validateKk } from '#contexts/accounts/rules/nik.ts';
import {
  correctProfile as correct,
  FamilyCardFull,
  ProfileMissing,
} from '#contexts/accounts/store/profile-correction.ts';
import { httpHandler } from '#contexts/http.ts';
import type { Declarations } from '#contexts/waves/rules/eligibility.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

// An administrator corrects what a citizen can no longer change (the KK, the
// declarations) once they joined a wave. The audit record keeps the reason, what changed,
// and before and after: the KK masked, the declarations as the ones declared true.
const declared = (d: Declarations) =>
  Object.entries(d)
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join(',') || 'none';

export const handler = httpHandler(correctProfile, async ({ params, body }) => {
  if (body.kk !== undefined) {
    const kkReasons = validateKk(body.kk);
    if (kkReasons.length) {
      const errors = kkReasons.map((reason) => ({ path: 'kk', message: KK_MESSAGES[reason] }));
      throw new Problem('invalid-kk', 'The family card number is malformed.', { errors });
    }
  }
  try {
    const done = await correct(
      params.accountId,
      {
        ...(body.kk === undefined ? {} : { kk: body.kk }),
        ...(body.declarations === undefined ? {} : { declarations: body.declarations }),
      },
      clock.now(),
    );
    return {
      status: 200,
      body: {
        accountId: params.accountId,
        changed: done.changed,
        applications: done.applications,
        profile: done.profile,
      },
      audit: {
        changed: done.changed.join(',') || 'none',
        kkMaskedBefore: done.before.kkMasked,
        kkMaskedAfter: done.profile.kkMasked,
        declarationsBefore: declared(done.before.declarations),
        declarationsAfter: declared(done.profile.declarations),
        applications: done.applications.length,
      },
    };
  } catch (error) {
    if (error instanceof ProfileMissing) throw problems.notFound('No profile for this account.');
    if (error instanceof FamilyCardFull)
      throw new Problem(
        'family-card-full',
        'The corrected family card already has two participants: this participant cannot move onto it.',
      );
    throw error;
  }
});

import { KK_MESSAGES, NIK_MESSAGES } from '#shared/domain/nik.ts';
import { ApiProblem, api, type RequestOptions, sessionStore } from '../lib/api.ts';
import { currentLang } from '../lib/i18n.ts';
import { navigate } from '../lib/router.ts';
import { type CitizenKey, kkReasonText, nikReasonText, t } from './strings.ts';

// The citizen's session (tab only) and the email being verified after registration.
export const citizenSession = sessionStore('citizen');
const PENDING_EMAIL = 'prakerja.citizen.pendingEmail';

export const pendingEmail = {
  get: () => sessionStorage.getItem(PENDING_EMAIL) ?? '',
  set: (email: string) => sessionStorage.setItem(PENDING_EMAIL, email),
};

/** A call without a session (register, verify, sign in); problems placed for the form. */
export async function publicApi<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(method, path, options);
  } catch (error) {
    throw error instanceof ApiProblem ? placeProblem(error) : error;
  }
}

/** A signed-in call; an expired or refused token sends the citizen back to sign in. */
export async function meApi<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(method, path, { ...options, session: citizenSession.get() });
  } catch (error) {
    if ((error as ApiProblem).status === 401) {
      citizenSession.set(null);
      navigate('/sign-in');
    }
    throw error instanceof ApiProblem ? placeProblem(error) : error;
  }
}

/** The problems that are about one field although the server names none. */
const FIELD_OF_SLUG: Record<string, string> = {
  'duplicate-email': 'email',
  'duplicate-phone': 'phone',
  'duplicate-nik': 'nik',
  'nik-locked': 'nik',
  'invalid-code': 'code',
  'code-expired': 'code',
  'code-locked': 'code',
};

const reasonOf = <R extends string>(messages: Record<R, string>, message: string) =>
  (Object.keys(messages) as R[]).find((reason) => messages[reason] === message);

/** One field error in the citizen's language: the NIK/KK reason, else the field's rule. */
function fieldText(path: string, message: string): string {
  const field = path.replace(/^(body|query|params)\./, '');
  const lang = currentLang();
  const nik = field === 'nik' ? reasonOf(NIK_MESSAGES, message) : undefined;
  if (nik) return nikReasonText[lang][nik];
  const kk = field === 'kk' ? reasonOf(KK_MESSAGES, message) : undefined;
  if (kk) return kkReasonText[lang][kk];
  const key = `field.${field}`;
  return t.has(key) ? t(key as CitizenKey) : message;
}

/**
 * The problem as the citizen's forms show it: every field error in the citizen's words,
 * and a problem about one field (a duplicate email, a wrong code) put beside that field.
 */
export function placeProblem(problem: ApiProblem): ApiProblem {
  const field = FIELD_OF_SLUG[problem.slug];
  const errors = problem.errors.length
    ? problem.errors.map((e) => ({ path: e.path, message: fieldText(e.path, e.message) }))
    : field
      ? [{ path: field, message: problemText(problem) }]
      : [];
  return new ApiProblem(problem.status, problem.slug, problem.title, problem.detail, errors, problem.body);
}

/** The words for a problem: our own for the slugs a citizen meets, the server's otherwise. */
export function problemText(problem: ApiProblem): string {
  const key = `problem.${problem.slug}`;
  if (problem.slug === 'ineligible') {
    const reasons = Array.isArray(problem.body.reasons)
      ? problem.body.reasons
          .map((r: unknown) => (t.has(`reason.${r}`) ? t(`reason.${r}` as CitizenKey) : String(r)))
          .join(', ')
      : '';
    return t('problem.ineligible', { reasons: reasons || (problem.detail ?? '') });
  }
  return t.has(key) ? t(key) : t('problem.other', { detail: problem.detail ?? problem.title });
}

import { ApiProblem, api, type RequestOptions, sessionStore } from '../lib/api.ts';
import { currentLang } from '../lib/i18n.ts';
import { navigate } from '../lib/router.ts';
import { validationText } from '../lib/validation.ts';
import { type CitizenKey, t } from './strings.ts';

// The citizen's session (tab only) and the email being verified after registration.
export const citizenSession = sessionStore('citizen');
const PENDING_EMAIL = 'prakerja.citizen.pendingEmail';

export const pendingEmail = {
  get: () => sessionStorage.getItem(PENDING_EMAIL) ?? '',
  set: (email: string) => sessionStorage.setItem(PENDING_EMAIL, email),
  clear: () => sessionStorage.removeItem(PENDING_EMAIL),
};

/** A page's own words for a server's field error it knows (e.g. the NIK reasons). */
export type FieldText = (field: string, message: string) => string | undefined;

export interface CitizenRequestOptions extends RequestOptions {
  fieldText?: FieldText;
}

/** A call without a session (register, verify, sign in); problems placed for the form. */
export async function publicApi<T>(
  method: string,
  path: string,
  { fieldText, ...options }: CitizenRequestOptions = {},
): Promise<T> {
  try {
    return await api<T>(method, path, options);
  } catch (error) {
    throw error instanceof ApiProblem ? placeProblem(error, fieldText) : error;
  }
}

/** A signed-in call; an expired or refused token sends the citizen back to sign in. */
export async function meApi<T>(
  method: string,
  path: string,
  { fieldText, ...options }: CitizenRequestOptions = {},
): Promise<T> {
  try {
    return await api<T>(method, path, { ...options, session: citizenSession.get() });
  } catch (error) {
    if ((error as ApiProblem).status === 401) {
      citizenSession.set(null);
      navigate('/sign-in');
    }
    throw error instanceof ApiProblem ? placeProblem(error, fieldText) : error;
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

/** One field error in the citizen's language: the page's words, else the field's rule. */
function fieldWords(path: string, message: string, own?: FieldText): string {
  const field = path.replace(/^(body|query|params)\./, '');
  const key = `field.${field}`;
  return (
    own?.(field, message) ?? (t.has(key) ? t(key as CitizenKey) : validationText(message, currentLang()))
  );
}

/**
 * The problem as the citizen's forms show it: every field error in the citizen's words,
 * and a problem about one field (a duplicate email, a wrong code) put beside that field.
 */
export function placeProblem(problem: ApiProblem, own?: FieldText): ApiProblem {
  const field = FIELD_OF_SLUG[problem.slug];
  const errors = problem.errors.length
    ? problem.errors.map((e) => ({
        path: e.path,
        // A locked field is refused for what it is, not for its format: the problem's words.
        message:
          problem.slug === 'profile-locked' ? problemText(problem) : fieldWords(e.path, e.message, own),
      }))
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

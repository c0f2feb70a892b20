import { type ApiProblem, api, type RequestOptions, sessionStore } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { t } from './strings.ts';

// The citizen's session (tab only) and the email being verified after registration.
export const citizenSession = sessionStore('citizen');
const PENDING_EMAIL = 'prakerja.citizen.pendingEmail';

export const pendingEmail = {
  get: () => sessionStorage.getItem(PENDING_EMAIL) ?? '',
  set: (email: string) => sessionStorage.setItem(PENDING_EMAIL, email),
};

/** A signed-in call; an expired or refused token sends the citizen back to sign in. */
export async function meApi<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(method, path, { ...options, session: citizenSession.get() });
  } catch (error) {
    if ((error as ApiProblem).status === 401) {
      citizenSession.set(null);
      navigate('/sign-in');
    }
    throw error;
  }
}

/** The words for a problem: our own for the slugs a citizen meets, the server's otherwise. */
export function problemText(problem: ApiProblem): string {
  const key = `problem.${problem.slug}`;
  if (problem.slug === 'ineligible') {
    const reasons = Array.isArray(problem.body.reasons) ? problem.body.reasons.join(', ') : '';
    return t('problem.ineligible', { reasons: reasons || (problem.detail ?? '') });
  }
  return t.has(key) ? t(key) : t('problem.other', { detail: problem.detail ?? problem.title });
}

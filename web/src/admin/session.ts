import { ApiProblem, api, type RequestOptions, type Session, sessionStore } from '../lib/api.ts';
import { changeSignal } from '../lib/change-signal.ts';
import { formatIdr } from '../lib/format.ts';
import { currentLang } from '../lib/i18n.ts';
import { navigate } from '../lib/router.ts';
import { validationText } from '../lib/validation.ts';
import { allows, type ConsoleAccess } from './roles.ts';
import { t } from './strings.ts';

// The administrator's session: this tab only, and the console's origin only (the citizens'
// pages are on another origin: another sessionStorage). Signing in or out re-renders the
// shell even when the route stays the same.
const store = sessionStore('admin');
const sessionChanged = changeSignal();
export const adminSession = {
  get: store.get,
  set(session: Session | null) {
    store.set(session);
    sessionChanged.notify();
  },
};

export const useSessionChanges = sessionChanged.useChanges;

export function currentRole(): string | undefined {
  return adminSession.get()?.role;
}

/** Whether the signed-in role may use a route of this access (the server checks again). */
export function may(access: ConsoleAccess): boolean {
  return allows(access, currentRole());
}

/** The account id in the token (its `sub`), to say "you created this run"; never trusted for access. */
export function currentAccountId(): string | undefined {
  const token = adminSession.get()?.token;
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** A signed-in call; an expired or refused token ends the session and asks to sign in again. */
export async function adminApi<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(method, path, { ...options, session: adminSession.get() });
  } catch (error) {
    if ((error as ApiProblem).status === 401 && path !== '/v1/sessions') {
      adminSession.set(null);
      navigate('/sign-in');
    }
    throw error instanceof ApiProblem ? inOurWords(error) : error;
  }
}

/** The problem's field errors (zod's English, the contracts' words) in the console's language. */
export function inOurWords(problem: ApiProblem): ApiProblem {
  if (!problem.errors.length) return problem;
  const lang = currentLang();
  const errors = problem.errors.map((e) => ({ path: e.path, message: validationText(e.message, lang) }));
  return new ApiProblem(problem.status, problem.slug, problem.title, problem.detail, errors, problem.body);
}

/** Our words for the slugs an administrator meets; the server's detail otherwise. */
export function problemText(problem: ApiProblem): string {
  const key = `problem.${problem.slug}`;
  if (problem.slug === 'over-budget') {
    const due = Number(problem.body.dueIdr ?? 0);
    const count = Number(problem.body.dueCount ?? 0);
    return t('problem.over-budget', { due: formatIdr(due), count });
  }
  return t.has(key) ? t(key) : t('problem.other', { detail: problem.detail ?? problem.title });
}

import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { setLang, useLang } from '../lib/i18n.ts';
import { LazyPage, type PageModule as Loader } from '../lib/lazy.tsx';
import { navigate, useRoute } from '../lib/router.ts';
import { SignInPage } from './pages/sign-in.tsx';
import type { ConsoleAccess } from './roles.ts';
import { adminSession, currentRole, may, useSessionChanges } from './session.ts';
import { type AdminKey, t } from './strings.ts';
import type { PageProps } from './types.ts';
import '../styles.css';
import './admin.css';

// The administrator console. Sign-in is in the first chunk; every other page is its own
// chunk, and the chart library is loaded only by the wave page that draws the funnel.
type PageModule = Loader<PageProps>;

interface RouteDef {
  pattern: RegExp;
  keys: string[];
  load: PageModule;
  access: ConsoleAccess;
}

const route = (path: string, load: PageModule, access: ConsoleAccess = 'staff'): RouteDef => {
  const keys: string[] = [];
  const source = path.replace(/:(\w+)/g, (_m, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), keys, load, access };
};

const routes: RouteDef[] = [
  route('/waves', () => import('./pages/waves.tsx')),
  route('/waves/:waveId', () => import('./pages/wave.tsx')),
  route('/waves/:waveId/selection', () => import('./pages/selection.tsx')),
  route('/lists', () => import('./pages/lists.tsx'), 'admin'),
  route('/partners', () => import('./pages/partners.tsx')),
  route('/partners/:partnerId', () => import('./pages/partner.tsx')),
  route('/reports', () => import('./pages/reports.tsx')),
  route('/payout-runs', () => import('./pages/payout-runs.tsx')),
  route('/payout-runs/:runId', () => import('./pages/payout-run.tsx')),
  route('/audit', () => import('./pages/audit.tsx')),
  route('/waiting-room', () => import('./pages/waiting-room.tsx')),
];

const menu: Array<[path: string, label: AdminKey, access: ConsoleAccess]> = [
  ['/waves', 'nav.waves', 'staff'],
  ['/lists', 'nav.lists', 'admin'],
  ['/partners', 'nav.partners', 'staff'],
  ['/reports', 'nav.reports', 'staff'],
  ['/payout-runs', 'nav.payoutRuns', 'staff'],
  ['/audit', 'nav.audit', 'staff'],
  ['/waiting-room', 'nav.room', 'staff'],
];

function match(path: string): { def: RouteDef; params: Record<string, string> } | undefined {
  for (const def of routes) {
    const found = def.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    for (const [i, key] of def.keys.entries()) {
      const value = decodeParam(found[i + 1]!);
      // A crafted `#/waves/..` must not become a dot segment in an API path.
      if (value === undefined || value === '.' || value === '..') return undefined;
      params[key] = value;
    }
    return { def, params };
  }
  return undefined;
}

function decodeParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function App() {
  const lang = useLang();
  const path = useRoute();
  useSessionChanges();
  const session = adminSession.get();
  const found = session ? match(path) : undefined;
  useEffect(() => {
    if (session && !found) navigate('/waves');
  }, [session, found]);
  const role = currentRole();
  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        {t('skip')}
      </button>
      <header class="bar">
        <a class="brand" href="#/waves">
          {t('appName')}
        </a>
        <div class="account">
          {role && (
            <span class="role" data-testid="role">
              {t('signedInAs', { role: t.has(`role.${role}`) ? t(`role.${role}` as AdminKey) : role })}
            </span>
          )}
          <button
            type="button"
            class="link"
            lang={lang === 'id' ? 'en' : 'id'}
            aria-label={t('switchLangLabel')}
            onClick={() => setLang(lang === 'id' ? 'en' : 'id')}
          >
            {t('switchLang')}
          </button>
          {session && (
            <button type="button" class="link" onClick={signOut}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      {session && (
        <nav class="menu" aria-label={t('nav.label')}>
          <ul>
            {menu
              .filter(([, , access]) => may(access))
              .map(([to, label]) => (
                <li key={to}>
                  <a href={`#${to}`} aria-current={path.startsWith(to) ? 'page' : undefined}>
                    {t(label)}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
      )}
      <main id="main" class="wide">
        {!session || path === '/sign-in' ? (
          <SignInPage />
        ) : found && !may(found.def.access) ? (
          <section>
            <h1 tabIndex={-1}>{t('notAllowedTitle')}</h1>
            <p>{t('notAllowed')}</p>
          </section>
        ) : found ? (
          <LazyPage
            key={path}
            load={found.def.load}
            props={{ params: found.params }}
            loading={t('loading')}
            failed={t('loadFailed')}
          />
        ) : null}
      </main>
    </>
  );
}

function skipToMain() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function signOut() {
  adminSession.set(null);
  navigate('/sign-in');
}

render(<App />, document.getElementById('app')!);

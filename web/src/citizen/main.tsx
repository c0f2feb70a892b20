import { render } from 'preact';
import { setLang, useLang } from '../lib/i18n.ts';
import { LazyPage, type PageModule } from '../lib/lazy.tsx';
import { navigate, useRoute } from '../lib/router.ts';
import { RegisterPage } from './pages/register.tsx';
import { citizenSession, pendingEmail } from './session.ts';
import { t } from './strings.ts';
import '../styles.css';

// The citizen app. Registration is the first page and comes in the first bundle; every
// other page is its own chunk, loaded when the citizen gets there.
const pages: Record<string, PageModule<object>> = {
  '/verify': () => import('./pages/verify.tsx'),
  '/antri': () => import('./pages/waiting-room.tsx'),
  '/sign-in': () => import('./pages/sign-in.tsx'),
  '/home': () => import('./pages/home.tsx'),
  '/profile': () => import('./pages/profile.tsx'),
  '/purchases': () => import('./pages/purchases.tsx'),
  '/surveys': () => import('./pages/surveys.tsx'),
  '/payout-account': () => import('./pages/payout-account.tsx'),
  '/incentives': () => import('./pages/incentives.tsx'),
};

function App() {
  const lang = useLang();
  const route = useRoute();
  const signedIn = citizenSession.get() !== null;
  // Own keys only: `#constructor` is not a page.
  const load = Object.hasOwn(pages, route) ? pages[route] : undefined;
  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        {t('skip')}
      </button>
      <header class="bar">
        <a class="brand" href={signedIn ? '#/home' : '#/'}>
          {t('appName')}
        </a>
        <nav aria-label="akun">
          <button
            type="button"
            class="link"
            lang={lang === 'id' ? 'en' : 'id'}
            aria-label={t('switchLangLabel')}
            onClick={() => setLang(lang === 'id' ? 'en' : 'id')}
          >
            {t('switchLang')}
          </button>
          {signedIn && (
            <button type="button" class="link" onClick={signOut}>
              {t('signOut')}
            </button>
          )}
        </nav>
      </header>
      <main id="main">
        {load ? (
          <LazyPage load={load} props={{}} loading={t('loading')} failed={t('loadFailed')} />
        ) : (
          <RegisterPage />
        )}
      </main>
    </>
  );
}

function skipToMain() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function signOut() {
  citizenSession.set(null);
  // A shared phone or an internet café: the next person does not see this email.
  pendingEmail.clear();
  navigate('/sign-in');
}

const root = document.getElementById('app')!;
render(<App />, root);
// Rendered with its handlers attached (render is synchronous): the form is usable now.
// The slow-3G test waits for the attribute and reads the mark's time.
root.setAttribute('data-ready', '');
performance.mark('prakerja:ready');

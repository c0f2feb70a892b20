import { ApiProblem, api } from '../../lib/api.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { currentRoute, navigate } from '../../lib/router.ts';
import { isConsoleRole } from '../roles.ts';
import { adminSession, inOurWords, problemText } from '../session.ts';
import { t } from '../strings.ts';

// The first page (in the first chunk). A citizen's account signs in to the API too; its
// token is dropped here at once, with words that say this console is not for citizens.
export function SignInPage() {
  const form = useForm('sign-in');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const { email, password } = formValues(event.currentTarget as HTMLFormElement);
    void form.submit(async () => {
      const session = await api<{ accessToken: string; role: string }>('POST', '/v1/sessions', {
        body: { email, password },
      }).catch((error: unknown) => Promise.reject(error instanceof ApiProblem ? inOurWords(error) : error));
      if (!isConsoleRole(session.role)) {
        adminSession.set(null);
        throw new ApiProblem(403, 'citizen-account', 'citizen-account', undefined, [], {});
      }
      adminSession.set({ token: session.accessToken, role: session.role });
      const here = currentRoute();
      if (here === '/sign-in' || here === '/') navigate('/waves');
    }, problemText);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('signInTitle')}</h1>
      <p>{t('signInIntro')}</p>
      <form id="sign-in" onSubmit={onSubmit} noValidate>
        <FormMessage message={form.message} />
        <Field
          name="email"
          label={t('email')}
          type="email"
          autocomplete="username"
          required
          error={form.errors.email}
        />
        <Field
          name="password"
          label={t('password')}
          type="password"
          autocomplete="current-password"
          required
          error={form.errors.password}
        />
        <Submit busy={form.busy}>{t('signIn')}</Submit>
      </form>
    </section>
  );
}

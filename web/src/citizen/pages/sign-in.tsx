import { api, type Session } from '../../lib/api.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { citizenSession, pendingEmail, problemText } from '../session.ts';
import { t } from '../strings.ts';

export default function SignInPage() {
  const form = useForm('sign-in');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const values = formValues(event.currentTarget as HTMLFormElement);
    void form.submit(async () => {
      const session = await api<{ accessToken: string; role: string }>('POST', '/v1/sessions', {
        body: values,
      });
      citizenSession.set({ token: session.accessToken, role: session.role } satisfies Session);
      pendingEmail.set(String(values.email));
      navigate('/home');
    }, problemText);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('signInTitle')}</h1>
      <form id="sign-in" onSubmit={onSubmit} noValidate>
        <FormMessage message={form.message} />
        <Field
          name="email"
          label={t('email')}
          type="email"
          autocomplete="email"
          required
          defaultValue={pendingEmail.get()}
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
      <p>
        {t('noAccount')} <a href="#/">{t('registerLink')}</a>
      </p>
    </section>
  );
}

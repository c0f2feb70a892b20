import { normalizePhone } from '#platform/phone.ts';
import { newIdempotencyKey } from '../../lib/api.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { admission, queueIfRefused } from '../admission.ts';
import { pendingEmail, problemText, publicApi } from '../session.ts';
import { t } from '../strings.ts';

// The first page a citizen sees in a wave's rush: four fields, no other request than the
// one that registers. One Idempotency-Key per form: a double tap or a retry on a flaky
// connection registers once.
let idempotencyKey = newIdempotencyKey();

export function RegisterPage() {
  const form = useForm('register');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const values = formValues(event.currentTarget as HTMLFormElement);
    // `0812...` as the API stores it: `+62812...`.
    values.phone = normalizePhone(String(values.phone ?? ''));
    void form.submit(async () => {
      try {
        // While the waiting room is on, the admission it gave (none otherwise).
        await publicApi('POST', '/v1/accounts', {
          body: values,
          idempotencyKey,
          headers: admission.headers(),
        });
      } catch (error) {
        // The refusal is kept under this Idempotency-Key: the admitted try is a new request.
        if (queueIfRefused(error, '/')) {
          idempotencyKey = newIdempotencyKey();
          return;
        }
        throw error;
      }
      idempotencyKey = newIdempotencyKey();
      pendingEmail.set(String(values.email));
      navigate('/verify');
    }, problemText);
  };
  const e = form.errors;
  return (
    <section>
      <h1 tabIndex={-1}>{t('registerTitle')}</h1>
      <p>{t('registerIntro')}</p>
      <form id="register" onSubmit={onSubmit} noValidate>
        <FormMessage message={form.message} />
        <Field
          name="fullName"
          label={t('fullName')}
          autocomplete="name"
          required
          maxLength={100}
          error={e.fullName}
        />
        <Field name="email" label={t('email')} type="email" autocomplete="email" required error={e.email} />
        <Field
          name="phone"
          label={t('phone')}
          hint={t('phoneHint')}
          type="tel"
          autocomplete="tel"
          inputMode="tel"
          required
          error={e.phone}
        />
        <Field
          name="password"
          label={t('password')}
          hint={t('passwordHint')}
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          error={e.password}
        />
        <Submit busy={form.busy}>{t('register')}</Submit>
      </form>
      <p>
        {t('haveAccount')} <a href="#/sign-in">{t('signInLink')}</a>
      </p>
    </section>
  );
}

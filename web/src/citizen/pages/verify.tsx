import { useState } from 'preact/hooks';
import { api } from '../../lib/api.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { pendingEmail, problemText } from '../session.ts';
import { t } from '../strings.ts';

type Channel = 'email' | 'phone';

function ChannelForm({ channel, email, onDone }: { channel: Channel; email: string; onDone(): void }) {
  const form = useForm(`verify-${channel}`);
  const [note, setNote] = useState<string | null>(null);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const { code } = formValues(event.currentTarget as HTMLFormElement);
    void form.submit(async () => {
      await api('POST', '/v1/accounts/verify', { body: { email, channel, code } });
      onDone();
    }, problemText);
  };
  const resend = () =>
    void form.submit(async () => {
      await api('POST', '/v1/accounts/codes', { body: { email, channel } });
      setNote(t('resent'));
    }, problemText);
  return (
    <form id={`verify-${channel}`} onSubmit={onSubmit} noValidate>
      <FormMessage message={form.message} />
      <Field
        name="code"
        label={channel === 'email' ? t('emailCode') : t('phoneCode')}
        autocomplete="one-time-code"
        inputMode="numeric"
        pattern="\d{6}"
        maxLength={6}
        required
        error={form.errors.code}
      />
      <Submit busy={form.busy}>{t('verify')}</Submit>{' '}
      <button type="button" class="link" onClick={resend}>
        {t('resend')}
      </button>
      {note && <p aria-live="polite">{note}</p>}
    </form>
  );
}

export default function VerifyPage() {
  const email = pendingEmail.get();
  const [done, setDone] = useState<Record<Channel, boolean>>({ email: false, phone: false });
  const mark = (channel: Channel) => () => {
    const next = { ...done, [channel]: true };
    setDone(next);
    if (next.email && next.phone) navigate('/sign-in');
  };
  if (!email) {
    navigate('/sign-in');
    return null;
  }
  return (
    <section>
      <h1 tabIndex={-1}>{t('verifyTitle')}</h1>
      <p>{t('verifyIntro', { email })}</p>
      {(['email', 'phone'] as const).map((channel) =>
        done[channel] ? (
          <p key={channel} class="ok">
            {channel === 'email' ? t('email') : t('phone')}: {t('verified')}
          </p>
        ) : (
          <ChannelForm key={channel} channel={channel} email={email} onDone={mark(channel)} />
        ),
      )}
    </section>
  );
}

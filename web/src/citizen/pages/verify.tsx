import { useEffect, useState } from 'preact/hooks';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { citizenSession, meApi, pendingEmail, problemText, publicApi } from '../session.ts';
import { t } from '../strings.ts';
import type { Me } from '../types.ts';

type Channel = 'email' | 'phone';

function ChannelForm({ channel, email, onDone }: { channel: Channel; email: string; onDone(): void }) {
  const form = useForm(`verify-${channel}`);
  const [note, setNote] = useState<string | null>(null);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const { code } = formValues(event.currentTarget as HTMLFormElement);
    void form.submit(async () => {
      await publicApi('POST', '/v1/accounts/verify', { body: { email, channel, code } });
      onDone();
    }, problemText);
  };
  const resend = () =>
    void form.submit(async () => {
      await publicApi('POST', '/v1/accounts/codes', { body: { email, channel } });
      setNote(t('resent'));
    }, problemText);
  return (
    <form id={`verify-${channel}`} onSubmit={onSubmit} noValidate>
      <FormMessage message={form.message} />
      <Field
        name="code"
        id={`f-code-${channel}`}
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
  const signedIn = citizenSession.get() !== null;
  const [email, setEmail] = useState(pendingEmail.get());
  const [done, setDone] = useState<Record<Channel, boolean>>({ email: false, phone: false });
  // Signed in (from home's "verify now"): the account says which channel is still to verify.
  useEffect(() => {
    if (!signedIn) return;
    meApi<Me>('GET', '/v1/me').then(
      (me) => {
        setEmail(me.email);
        setDone((d) => ({
          email: d.email || me.verification.email,
          phone: d.phone || me.verification.phone,
        }));
      },
      () => undefined,
    );
  }, [signedIn]);
  const mark = (channel: Channel) => () => {
    const next = { ...done, [channel]: true };
    setDone(next);
    // A signed-in citizen goes on home; one who has just registered signs in.
    if (next.email && next.phone) navigate(citizenSession.get() ? '/home' : '/sign-in');
  };
  if (!email && !signedIn) {
    navigate('/sign-in');
    return null;
  }
  return (
    <section>
      <h1 tabIndex={-1}>{t('verifyTitle')}</h1>
      {email && <p>{t('verifyIntro', { email })}</p>}
      {email &&
        (['email', 'phone'] as const).map((channel) =>
          done[channel] ? (
            <p key={channel} class="ok">
              {channel === 'email' ? t('email') : t('phone')}: {t('verified')}
            </p>
          ) : (
            <ChannelForm key={channel} channel={channel} email={email} onDone={mark(channel)} />
          ),
        )}
      {signedIn && done.email && done.phone && (
        <p>
          <a href="#/home">{t('back')}</a>
        </p>
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { citizenSession, meApi, pendingEmail, problemText, publicApi } from '../session.ts';
import { t } from '../strings.ts';
import type { Me } from '../types.ts';

type Channel = 'email' | 'phone';

// Registration verifies the email only. The phone is verified when it is first needed:
// once selected, before the first purchase or a payout account (both send SMS codes),
// so its form shows only then, and its code is sent when the citizen asks for it.
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
  const send = () =>
    void form.submit(async () => {
      await publicApi('POST', '/v1/accounts/codes', { body: { email, channel } });
      setNote(t('resent'));
    }, problemText);
  return (
    <form id={`verify-${channel}`} onSubmit={onSubmit} noValidate>
      <FormMessage message={form.message} />
      {channel === 'phone' && (
        <p>
          <button type="button" onClick={send}>
            {t('sendSmsCode')}
          </button>
        </p>
      )}
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
      {channel === 'email' && (
        <button type="button" class="link" onClick={send}>
          {t('resend')}
        </button>
      )}
      {note && <p aria-live="polite">{note}</p>}
    </form>
  );
}

export default function VerifyPage() {
  const signedIn = citizenSession.get() !== null;
  const [email, setEmail] = useState(pendingEmail.get());
  const [me, setMe] = useState<Me | null>(null);
  const [done, setDone] = useState<Record<Channel, boolean>>({ email: false, phone: false });
  // Signed in (from home's "verify now"): the account says what is still to verify.
  useEffect(() => {
    if (!signedIn) return;
    meApi<Me>('GET', '/v1/me').then(
      (m) => {
        setEmail(m.email);
        setMe(m);
        setDone((d) => ({ email: d.email || m.verification.email, phone: d.phone || m.verification.phone }));
      },
      () => undefined,
    );
  }, [signedIn]);
  // The phone is asked for only of a participant (selected) whose phone is unverified.
  const phoneNeeded = me?.participant != null && !done.phone;
  const mark = (channel: Channel) => () => {
    const next = { ...done, [channel]: true };
    setDone(next);
    // A signed-in citizen goes on home; one who has just registered signs in.
    if (channel === 'phone' || (next.email && !phoneNeeded))
      navigate(citizenSession.get() ? '/home' : '/sign-in');
  };
  if (!email && !signedIn) {
    navigate('/sign-in');
    return null;
  }
  const phoneStep = done.email && phoneNeeded;
  return (
    <section>
      <h1 tabIndex={-1}>{phoneStep ? t('phoneTitle') : t('verifyTitle')}</h1>
      {email && !phoneStep && <p>{t('verifyIntro', { email })}</p>}
      {email &&
        (done.email ? (
          <p class="ok">
            {t('email')}: {t('verified')}
          </p>
        ) : (
          <ChannelForm channel="email" email={email} onDone={mark('email')} />
        ))}
      {email && phoneStep && (
        <>
          <p>{t('phoneIntro', { phone: me!.phone })}</p>
          <ChannelForm channel="phone" email={email} onDone={mark('phone')} />
        </>
      )}
      {signedIn && done.email && !phoneNeeded && (
        <p>
          <a href="#/home">{t('back')}</a>
        </p>
      )}
    </section>
  );
}

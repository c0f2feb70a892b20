import { useState } from 'preact/hooks';
import { type ApiProblem, api, newIdempotencyKey } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { formatDate, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { admission, queueIfRefused } from '../admission.ts';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Me, Wave } from '../types.ts';

export default function HomePage() {
  const me = useData(() => meApi<Me>('GET', '/v1/me'));
  const waves = useData(() => api<{ items: Wave[] }>('GET', '/v1/waves'));
  if (me.error) return <p role="alert">{problemText(me.error)}</p>;
  if (!me.data) return <p aria-live="polite">{t('loading')}</p>;
  const m = me.data;
  // Joining needs the email; the phone is verified once selected, before it is needed.
  const verified = m.verification.email;
  const phoneNeeded = m.participant != null && !m.verification.phone;
  return (
    <section>
      <h1 tabIndex={-1}>{t('hello', { name: m.fullName })}</h1>
      {m.participant && <Card participant={m.participant} />}
      {phoneNeeded && (
        <div class="panel" role="alert">
          <p>{t('phoneNeeded')}</p>
          <a href="#/verify">{t('verifyPhoneNow')}</a>
        </div>
      )}
      {m.payoutAccount?.status === 'REJECTED' && m.payoutAccount.reason === 'payment-rejected' && (
        <div class="panel" role="alert">
          <p>{t('payoutRelink')}</p>
          <a href="#/payout-account">{t('payoutRelinkLink')}</a>
        </div>
      )}
      <div class="panel">
        <h2>{t('verification')}</h2>
        <p>
          {t('email')}: {m.verification.email ? t('verified') : '—'} · {t('phone')}:{' '}
          {m.verification.phone ? t('verified') : '—'}
        </p>
        {!verified && <a href="#/verify">{t('verifyNow')}</a>}
      </div>
      <div class="panel">
        <h2>{t('profileTitle')}</h2>
        <p>{m.profile ? t('profileComplete', { nik: m.profile.nikMasked }) : t('profileIncomplete')}</p>
        {m.registryCheck && (
          <p role={m.registryCheck === 'FAILED' ? 'alert' : undefined} data-registry={m.registryCheck}>
            {t(`registry.${m.registryCheck}`)}
          </p>
        )}
        <a href="#/profile">{t('editProfile')}</a>
      </div>
      <div class="panel">
        <h2>{t('wavesTitle')}</h2>
        <WaveList
          me={m}
          waves={waves.data?.items ?? []}
          ready={verified && m.profileComplete}
          onJoined={me.reload}
        />
      </div>
      {m.participant && (
        <nav class="panel" aria-label={t('cardTitle')}>
          <ul class="links">
            <li>
              <a href="#/purchases">{t('purchasesLink')}</a>
            </li>
            <li>
              <a href="#/surveys">{t('surveysLink')}</a>
            </li>
            <li>
              <a href="#/payout-account">{t('payoutLink')}</a>
            </li>
            <li>
              <a href="#/incentives">{t('incentivesLink')}</a>
            </li>
          </ul>
        </nav>
      )}
    </section>
  );
}

function Card({ participant }: { participant: NonNullable<Me['participant']> }) {
  return (
    <section class="card" aria-label={t('cardTitle')}>
      <h2>{t('cardTitle')}</h2>
      <dl>
        <dt>{t('cardNumber')}</dt>
        <dd class="card-number">{participant.cardNumber}</dd>
        <dt>{t('balance')}</dt>
        <dd class="balance">{formatIdr(participant.balanceIdr)}</dd>
        <dt>{t('deadline')}</dt>
        <dd>{formatDate(participant.purchaseDeadline, currentLang())}</dd>
        <dt>{t('status')}</dt>
        <dd>{label('participant', participant.status)}</dd>
      </dl>
    </section>
  );
}

function WaveList(props: { me: Me; waves: Wave[]; ready: boolean; onJoined(): void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (!props.waves.length) return <p>{t('noWaves')}</p>;
  const outcomeOf = (waveId: string) => props.me.waves.find((w) => w.waveId === waveId)?.outcome;
  const join = async (waveId: string) => {
    setBusy(waveId);
    setMessage(null);
    try {
      await meApi('POST', `/v1/me/waves/${encodeURIComponent(waveId)}/join`, {
        idempotencyKey: newIdempotencyKey(),
        headers: admission.headers(),
      });
      props.onJoined();
    } catch (error) {
      if (queueIfRefused(error, '/home')) return;
      setMessage(problemText(error as ApiProblem));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      {message && <p role="alert">{message}</p>}
      {!props.ready && <p>{t('joinNeedsProfile')}</p>}
      <ul class="waves">
        {props.waves.map((w) => {
          const outcome = outcomeOf(w.waveId);
          return (
            <li key={w.waveId}>
              <strong>{w.name}</strong> <span class="tag">{label('waveStatus', w.status)}</span>{' '}
              {formatDate(w.opensAt, currentLang())} – {formatDate(w.closesAt, currentLang())}{' '}
              {outcome ? (
                <span class="outcome">{t('outcome', { outcome: label('outcome', outcome) })}</span>
              ) : (
                w.status === 'OPEN' &&
                props.ready &&
                !props.me.participant && (
                  <button type="button" disabled={busy === w.waveId} onClick={() => void join(w.waveId)}>
                    {t('join')} {w.name}
                  </button>
                )
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** An API enum in the citizen's words; an unknown value as it came. */
function label(kind: 'participant' | 'waveStatus' | 'outcome', value: string): string {
  const key = `${kind}.${value}`;
  return t.has(key) ? t(key as CitizenKey) : value;
}

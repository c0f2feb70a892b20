import { useState } from 'preact/hooks';
import {
  PARTNER_STATUSES,
  type PartnerStatus,
  transitionRefusal,
} from '#contexts/partners/rules/partners.ts';
import type { ApiProblem } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { Check, TextArea } from '../fields.tsx';
import { adminApi, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { PageProps, PartnerDetail } from '../types.ts';

const CRITERIA = ['nationalCoverage', 'adequateSystems', 'dataSecurity', 'pseRegistered'] as const;
const ALL_MET = { nationalCoverage: true, adequateSystems: true, dataSecurity: true, pseRegistered: true };

/** The moves the registry allows from here (the shared rule; the server applies it again). */
const nextStatuses = (from: string) =>
  PARTNER_STATUSES.filter(
    (to) => transitionRefusal(from as PartnerStatus, to, ALL_MET) !== 'invalid-transition',
  );

export default function PartnerPage({ params }: PageProps) {
  const id = encodeURIComponent(params.partnerId!);
  const partner = useData(() => adminApi<PartnerDetail>('GET', `/v1/admin/partners/${id}`), id);
  const p = partner.data;
  const lang = currentLang();
  return (
    <section>
      <p>
        <a href="#/partners">{t('partners.back')}</a>
      </p>
      <h1 tabIndex={-1}>{p ? p.name : t('partners.partner')}</h1>
      {partner.error && <p role="alert">{problemText(partner.error)}</p>}
      {p && (
        <>
          <dl class="facts">
            <dt>{t('partners.code')}</dt>
            <dd>
              <code>{p.code}</code>
            </dd>
            <dt>{t('partners.kind')}</dt>
            <dd>{label('kind', p.kind)}</dd>
            <dt>{t('status')}</dt>
            <dd data-testid="partner-status">{label('partner', p.status)}</dd>
            <dt>{t('partners.criteria')}</dt>
            <dd>
              {p.criteria
                ? CRITERIA.map(
                    (c) => `${label('criterion', c)}: ${p.criteria![c] ? t('yes') : t('no')}`,
                  ).join('; ')
                : t('partners.noCriteria')}
            </dd>
            <dt>{t('partners.rateLimit')}</dt>
            <dd>{p.rateLimitPerSecond}</dd>
          </dl>
          {may('admin') && <Transition partner={p} onMoved={partner.reload} />}
          <Keys partner={p} onChange={partner.reload} />
          <h2>{t('partners.history')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('partners.action')}</th>
                <th scope="col">{t('partners.note')}</th>
              </tr>
            </thead>
            <tbody>
              {p.audit.map((a, i) => (
                <tr key={`${a.at}-${i}`}>
                  <td>{formatDateTime(a.at, lang)}</td>
                  <td>
                    {a.action}
                    {a.from || a.to ? ` ${a.from ?? ''} → ${a.to ?? ''}` : ''}
                    {a.keyId ? ` (${a.keyId})` : ''}
                  </td>
                  <td>{a.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Transition({ partner, onMoved }: { partner: PartnerDetail; onMoved: () => void }) {
  const form = useForm('transition');
  const options = nextStatuses(partner.status);
  const [to, setTo] = useState<string>(options[0] ?? '');
  if (!options.length) return null;
  const target = options.includes(to as PartnerStatus) ? to : options[0]!;
  const criteriaError = Object.entries(form.errors).find(([k]) => k.startsWith('criteria'))?.[1];
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const v = formValues(element);
    const body: Record<string, unknown> = { to: target, note: v.note };
    if (target === 'LIVE')
      body.criteria = Object.fromEntries(CRITERIA.map((c) => [c, v[`criteria.${c}`] === true]));
    void form.submit(async () => {
      await adminApi('POST', `/v1/admin/partners/${encodeURIComponent(partner.partnerId)}/transitions`, {
        body,
      });
      element.reset();
      onMoved();
    }, problemText);
  };
  return (
    <form id="transition" class="panel" onSubmit={onSubmit} noValidate aria-labelledby="transition-title">
      <h2 id="transition-title">{t('partners.transition')}</h2>
      <FormMessage message={form.message} />
      <Select
        name="to"
        label={t('partners.to')}
        value={target}
        onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value)}
        options={options.map((s) => [s, label('partner', s)])}
        error={form.errors.to}
      />
      {target === 'LIVE' && (
        <fieldset class={criteriaError ? 'invalid' : undefined}>
          <legend>{t('partners.criteriaLegend')}</legend>
          {CRITERIA.map((c) => (
            <Check
              key={c}
              name={`criteria.${c}`}
              label={label('criterion', c)}
              checked={partner.criteria?.[c] ?? false}
            />
          ))}
          {criteriaError && <p class="error">{criteriaError}</p>}
        </fieldset>
      )}
      <TextArea
        name="note"
        label={t('partners.note')}
        hint={t('partners.noteHint')}
        error={form.errors.note}
      />
      <Submit busy={form.busy}>{t('partners.move')}</Submit>
    </form>
  );
}

/** Keys: a new secret is shown once, in this component's state only, never stored. */
function Keys({ partner, onChange }: { partner: PartnerDetail; onChange: () => void }) {
  const [secret, setSecret] = useState<{ keyId: string; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/v1/admin/partners/${encodeURIComponent(partner.partnerId)}/credentials`;
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      onChange();
    } catch (error) {
      setProblem(error as ApiProblem);
    } finally {
      setBusy(false);
    }
  };
  const issue = () =>
    act(async () => {
      setSecret(await adminApi<{ keyId: string; secret: string }>('POST', base));
    });
  const revoke = (keyId: string) =>
    act(async () => {
      await adminApi('DELETE', `${base}/${encodeURIComponent(keyId)}`);
      setConfirming(null);
    });
  const lang = currentLang();
  return (
    <div class="panel">
      <h2>{t('keys.title')}</h2>
      {problem && (
        <p class="form-message" role="alert">
          {problemText(problem)}
        </p>
      )}
      {secret && (
        <div class="secret" role="alert">
          <p>
            <strong>{t('keys.once')}</strong>
          </p>
          <dl class="facts">
            <dt>{t('keys.keyId')}</dt>
            <dd>
              <code>{secret.keyId}</code>
            </dd>
            <dt>{t('keys.secret')}</dt>
            <dd>
              <code data-testid="secret">{secret.secret}</code>
            </dd>
          </dl>
          <button type="button" onClick={() => setSecret(null)}>
            {t('keys.saved')}
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('keys.keyId')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('keys.createdAt')}</th>
            {may('admin') && <th scope="col">{t('keys.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {partner.keys.map((k) => (
            <tr key={k.keyId}>
              <td>
                <code>{k.keyId}</code>
              </td>
              <td>{label('key', k.status)}</td>
              <td>{formatDateTime(k.createdAt, lang)}</td>
              {may('admin') && (
                <td>
                  {k.status === 'ACTIVE' &&
                    (confirming === k.keyId ? (
                      <span class="inline">
                        <button type="button" class="danger" disabled={busy} onClick={() => revoke(k.keyId)}>
                          {t('keys.confirmRevoke')}
                        </button>
                        <button type="button" onClick={() => setConfirming(null)}>
                          {t('cancel')}
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        aria-label={t('keys.revokeLabel', { keyId: k.keyId })}
                        onClick={() => setConfirming(k.keyId)}
                      >
                        {t('keys.revoke')}
                      </button>
                    ))}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {may('admin') && (
        <p>
          <button type="button" class="primary" disabled={busy} onClick={issue}>
            {t('keys.issue')}
          </button>
        </p>
      )}
    </div>
  );
}

import { useState } from 'preact/hooks';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { Check, localToIso, numberOf } from '../fields.tsx';
import { useIdempotencyKey } from '../idempotency.ts';
import { adminApi, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { Page, Wave } from '../types.ts';

export default function WavesPage() {
  const waves = useData(() => adminApi<Page<Wave>>('GET', '/v1/waves?limit=500'));
  const lang = currentLang();
  return (
    <section>
      <h1 tabIndex={-1}>{t('waves.title')}</h1>
      {waves.error && <p role="alert">{problemText(waves.error)}</p>}
      {waves.data && !waves.data.items.length && <p>{t('waves.none')}</p>}
      {waves.data && waves.data.items.length > 0 && (
        <table>
          <caption>{t('waves.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('waves.name')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('waves.opensAt')}</th>
              <th scope="col">{t('waves.closesAt')}</th>
              <th scope="col" class="num">
                {t('waves.quota')}
              </th>
              <th scope="col" class="num">
                {t('waves.trainingBalance')}
              </th>
            </tr>
          </thead>
          <tbody>
            {waves.data.items.map((w) => (
              <tr key={w.waveId}>
                <th scope="row">
                  <a href={`#/waves/${encodeURIComponent(w.waveId)}`}>{w.name}</a>
                </th>
                <td>{label('wave', w.status)}</td>
                <td>{formatDateTime(w.opensAt, lang)}</td>
                <td>{formatDateTime(w.closesAt, lang)}</td>
                <td class="num">{w.quota.toLocaleString('id-ID')}</td>
                <td class="num">{formatIdr(w.scheme.trainingBalanceIdr)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may('admin') && <CreateWave onCreated={waves.reload} />}
    </section>
  );
}

function CreateWave({ onCreated }: { onCreated: () => void }) {
  const form = useForm('create-wave');
  const idempotency = useIdempotencyKey();
  const [created, setCreated] = useState<Wave | null>(null);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const v = formValues(element);
    const body = {
      name: v.name,
      opensAt: localToIso(v.opensAt) ?? '',
      closesAt: localToIso(v.closesAt) ?? '',
      quota: numberOf(v.quota),
      reservedQuota: numberOf(v.reservedQuota),
      quotaFromPool: numberOf(v.quotaFromPool),
      purchaseDeadlineDays: numberOf(v.purchaseDeadlineDays),
      minAge: numberOf(v.minAge),
      maxAge: numberOf(v.maxAge),
      excludeOtherAidRecipients: v.excludeOtherAidRecipients === true,
      scheme: {
        trainingBalanceIdr: numberOf(v['scheme.trainingBalanceIdr']),
        incentiveIdr: numberOf(v['scheme.incentiveIdr']),
        incentiveMonths: numberOf(v['scheme.incentiveMonths']),
        surveyIncentiveIdr: numberOf(v['scheme.surveyIncentiveIdr']),
        surveyCount: numberOf(v['scheme.surveyCount']),
      },
    };
    setCreated(null);
    void form.submit(async () => {
      const wave = await idempotency.send(body, (idempotencyKey) =>
        adminApi<Wave>('POST', '/v1/admin/waves', { body, idempotencyKey }),
      );
      element.reset();
      setCreated(wave);
      onCreated();
    }, problemText);
  };
  const e = form.errors;
  return (
    <form id="create-wave" class="panel" onSubmit={onSubmit} noValidate aria-labelledby="create-wave-title">
      <h2 id="create-wave-title">{t('waves.create')}</h2>
      <FormMessage message={form.message} />
      {created && (
        <p class="ok" role="status">
          {t('waves.created', { name: created.name })}{' '}
          <a href={`#/waves/${encodeURIComponent(created.waveId)}`}>{t('waves.open')}</a>
        </p>
      )}
      <Field name="name" label={t('waves.name')} required maxLength={100} error={e.name} />
      <fieldset>
        <legend>{t('waves.window')}</legend>
        <p class="hint">{t('waves.localTime', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}</p>
        <Field name="opensAt" label={t('waves.opensAt')} type="datetime-local" required error={e.opensAt} />
        <Field
          name="closesAt"
          label={t('waves.closesAt')}
          type="datetime-local"
          required
          error={e.closesAt}
        />
        <Field
          name="purchaseDeadlineDays"
          label={t('waves.deadlineDays')}
          type="number"
          min={1}
          max={90}
          defaultValue="30"
          required
          error={e.purchaseDeadlineDays}
        />
      </fieldset>
      <fieldset>
        <legend>{t('waves.quotas')}</legend>
        <Field name="quota" label={t('waves.quota')} type="number" min={1} required error={e.quota} />
        <Field
          name="reservedQuota"
          label={t('waves.reservedQuota')}
          hint={t('waves.reservedHint')}
          type="number"
          min={0}
          defaultValue="0"
          error={e.reservedQuota}
        />
        <Field
          name="quotaFromPool"
          label={t('waves.quotaFromPool')}
          hint={t('waves.poolHint')}
          type="number"
          min={0}
          defaultValue="0"
          error={e.quotaFromPool}
        />
      </fieldset>
      <fieldset>
        <legend>{t('waves.eligibility')}</legend>
        <Field
          name="minAge"
          label={t('waves.minAge')}
          type="number"
          min={15}
          defaultValue="18"
          error={e.minAge}
        />
        <Field name="maxAge" label={t('waves.maxAge')} hint={t('optional')} type="number" error={e.maxAge} />
        <Check name="excludeOtherAidRecipients" label={t('waves.excludeAid')} checked />
      </fieldset>
      <fieldset>
        <legend>{t('waves.scheme')}</legend>
        <Field
          name="scheme.trainingBalanceIdr"
          label={t('waves.trainingBalance')}
          hint={t('rupiahHint')}
          type="number"
          min={0}
          defaultValue="3500000"
          error={e['scheme.trainingBalanceIdr']}
        />
        <Field
          name="scheme.incentiveIdr"
          label={t('waves.incentive')}
          hint={t('rupiahHint')}
          type="number"
          min={0}
          defaultValue="600000"
          error={e['scheme.incentiveIdr']}
        />
        <Field
          name="scheme.incentiveMonths"
          label={t('waves.incentiveMonths')}
          type="number"
          min={0}
          max={12}
          defaultValue="1"
          error={e['scheme.incentiveMonths']}
        />
        <Field
          name="scheme.surveyIncentiveIdr"
          label={t('waves.surveyIncentive')}
          hint={t('rupiahHint')}
          type="number"
          min={0}
          defaultValue="50000"
          error={e['scheme.surveyIncentiveIdr']}
        />
        <Field
          name="scheme.surveyCount"
          label={t('waves.surveyCount')}
          type="number"
          min={0}
          max={10}
          defaultValue="2"
          error={e['scheme.surveyCount']}
        />
      </fieldset>
      <Submit busy={form.busy}>{t('waves.createButton')}</Submit>
    </form>
  );
}

import { useState } from 'preact/hooks';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { navigate } from '../../lib/router.ts';
import { numberOf, Pager } from '../fields.tsx';
import { useIdempotencyKey } from '../idempotency.ts';
import { adminApi, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { Page, PayoutRun } from '../types.ts';

// Payout runs, newest first; an admin stages a new one (maker), an approver approves it
// on its own page (checker).
export default function PayoutRunsPage() {
  const [cursor, setCursor] = useState<string | null>(null);
  const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
  const runs = useData(
    () => adminApi<Page<Omit<PayoutRun, 'totals'>>>('GET', `/v1/admin/payout-runs?limit=50${query}`),
    query,
  );
  const lang = currentLang();
  return (
    <section>
      <h1 tabIndex={-1}>{t('runs.title')}</h1>
      {runs.error && <p role="alert">{problemText(runs.error)}</p>}
      {runs.data && !runs.data.items.length && <p>{t('runs.none')}</p>}
      {runs.data && runs.data.items.length > 0 && (
        <table>
          <caption>{t('runs.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runs.period')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" class="num">
                {t('runs.budget')}
              </th>
              <th scope="col">{t('runs.createdAt')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.items.map((r) => (
              <tr key={r.runId}>
                <th scope="row">
                  <a href={`#/payout-runs/${r.runId}`}>{t('runs.runOf', { period: r.period })}</a>
                </th>
                <td>{label('run', r.status)}</td>
                <td class="num">{formatIdr(r.budgetIdr)}</td>
                <td>{formatDateTime(r.createdAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager cursor={cursor} nextCursor={runs.data?.nextCursor} go={setCursor} />
      {may('admin') && <StageRun />}
    </section>
  );
}

function StageRun() {
  const form = useForm('stage-run');
  // Required by the API on this route: one key per submission, the same on a retry.
  const idempotency = useIdempotencyKey();
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const v = formValues(event.currentTarget as HTMLFormElement);
    const body = { period: v.period, budgetIdr: numberOf(v.budgetIdr) };
    void form.submit(async () => {
      const run = await idempotency.send(body, (idempotencyKey) =>
        adminApi<PayoutRun>('POST', '/v1/admin/payout-runs', { body, idempotencyKey }),
      );
      navigate(`/payout-runs/${run.runId}`);
    }, problemText);
  };
  return (
    <form id="stage-run" class="panel" onSubmit={onSubmit} noValidate aria-labelledby="stage-title">
      <h2 id="stage-title">{t('runs.stage')}</h2>
      <p class="hint">{t('runs.stageIntro')}</p>
      <FormMessage message={form.message} />
      <Field
        name="period"
        label={t('runs.period')}
        hint={t('runs.periodHint')}
        type="month"
        required
        defaultValue={new Date().toISOString().slice(0, 7)}
        error={form.errors.period}
      />
      <Field
        name="budgetIdr"
        label={t('runs.budget')}
        hint={t('rupiahHint')}
        type="number"
        min={1}
        required
        error={form.errors.budgetIdr}
      />
      <Submit busy={form.busy}>{t('runs.stageButton')}</Submit>
    </form>
  );
}

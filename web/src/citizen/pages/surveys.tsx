import { useState } from 'preact/hooks';
import { newIdempotencyKey } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Survey } from '../types.ts';

export default function SurveysPage() {
  const list = useData(() => meApi<{ items: Survey[] }>('GET', '/v1/me/surveys'));
  return (
    <section>
      <h1 tabIndex={-1}>{t('surveysTitle')}</h1>
      {list.error && <p role="alert">{problemText(list.error)}</p>}
      <ul class="surveys">
        {list.data?.items.map((s) => (
          <li key={s.n} class="panel">
            <h2>{t('surveyN', { n: s.n })}</h2>
            <p>{t(`survey.${s.status}` as CitizenKey)}</p>
            {s.status === 'OPEN' && <SurveyForm n={s.n} onDone={list.reload} />}
          </li>
        ))}
      </ul>
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}

// Survey answers: keys the API accepts (^[a-z][a-zA-Z0-9_]*$), integers, booleans, short text.
function SurveyForm({ n, onDone }: { n: number; onDone(): void }) {
  const formId = `survey-${n}`;
  const form = useForm(formId);
  // One key per form, not per render: a retry after a lost answer repeats the same action.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const v = formValues(event.currentTarget as HTMLFormElement);
    const answers: Record<string, string | number | boolean> = {
      employedNow: v.employedNow === 'yes',
      usefulness: Number(v.usefulness),
    };
    if (typeof v.note === 'string' && v.note.trim()) answers.note = v.note.trim();
    void form.submit(async () => {
      await meApi('POST', `/v1/me/surveys/${n}`, { body: { answers }, idempotencyKey });
      onDone();
    }, problemText);
  };
  return (
    <form id={formId} onSubmit={onSubmit} noValidate>
      <FormMessage message={form.message} />
      <fieldset>
        <legend>{t('qEmployed')}</legend>
        <label class="check">
          <input type="radio" name="employedNow" value="yes" required /> {t('yes')}
        </label>
        <label class="check">
          <input type="radio" name="employedNow" value="no" /> {t('no')}
        </label>
      </fieldset>
      <Field
        name="usefulness"
        id={`${formId}-usefulness`}
        label={t('qUseful')}
        type="number"
        min={1}
        max={5}
        required
        error={form.errors['answers.usefulness']}
      />
      <Field
        name="note"
        id={`${formId}-note`}
        label={t('qNote')}
        maxLength={500}
        error={form.errors['answers.note']}
      />
      <Submit busy={form.busy}>{t('sendSurvey')}</Submit>
    </form>
  );
}

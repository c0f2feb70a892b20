import { useEffect, useState } from 'preact/hooks';
import { apiUrl } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { CopyText } from '../fields.tsx';
import { useIdempotencyKey } from '../idempotency.ts';
import { usePoll } from '../poll.ts';
import { adminApi, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { PageProps, Selection } from '../types.ts';

// The draw: started with a seed that is published with the result, followed every 2 s
// while it runs, and the command anyone can run to recompute it (scripts/verify-draw.ts).
export default function SelectionPage({ params }: PageProps) {
  const waveId = params.waveId!;
  const path = `/v1/admin/waves/${encodeURIComponent(waveId)}/selection`;
  const selection = useData(() => adminApi<Selection>('GET', path), waveId);
  const running = selection.data?.status === 'RUNNING';
  usePoll(running, selection.reload);
  const notStarted = selection.error?.status === 404;
  const s = selection.data;
  return (
    <section>
      <p>
        <a href={`#/waves/${encodeURIComponent(waveId)}`}>{t('selection.backToWave')}</a>
      </p>
      <h1 tabIndex={-1}>{t('selection.title')}</h1>
      {selection.error && !notStarted && <p role="alert">{problemText(selection.error)}</p>}
      {notStarted && <p>{t('selection.notStarted')}</p>}
      {may('admin') && (!s || s.status === 'FAILED') && (
        <StartSelection path={path} onStarted={selection.reload} resumeSeed={s?.seed} />
      )}
      {s && <Outcome selection={s} />}
      {s?.status === 'SUCCEEDED' && <VerifyCommand waveId={waveId} />}
    </section>
  );
}

function StartSelection({
  path,
  onStarted,
  resumeSeed,
}: {
  path: string;
  onStarted: () => void;
  resumeSeed?: string | undefined;
}) {
  const form = useForm('start-selection');
  const idempotency = useIdempotencyKey();
  const [seed, setSeed] = useState(resumeSeed ?? '');
  const generate = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    setSeed(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
  };
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const body = { seed: String(formValues(event.currentTarget as HTMLFormElement).seed ?? '') };
    void form.submit(async () => {
      await idempotency.send(body, (idempotencyKey) => adminApi('POST', path, { body, idempotencyKey }));
      onStarted();
    }, problemText);
  };
  return (
    <form id="start-selection" class="panel" onSubmit={onSubmit} noValidate aria-labelledby="start-title">
      <h2 id="start-title">{resumeSeed ? t('selection.resume') : t('selection.start')}</h2>
      <p class="hint">{t('selection.seedIntro')}</p>
      <FormMessage message={form.message} />
      <div class={form.errors.seed ? 'field invalid' : 'field'}>
        <label for="f-seed">{t('selection.seed')}</label>
        <p class="hint" id="f-seed-hint">
          {t('selection.seedHint')}
        </p>
        <div class="inline">
          <input
            id="f-seed"
            name="seed"
            value={seed}
            onInput={(e) => setSeed((e.currentTarget as HTMLInputElement).value)}
            minLength={8}
            maxLength={128}
            required
            autocomplete="off"
            spellcheck={false}
            aria-invalid={form.errors.seed ? 'true' : undefined}
            aria-describedby={form.errors.seed ? 'f-seed-hint f-seed-error' : 'f-seed-hint'}
          />
          <button type="button" onClick={generate}>
            {t('selection.generate')}
          </button>
        </div>
        {form.errors.seed && (
          <p class="error" id="f-seed-error">
            {form.errors.seed}
          </p>
        )}
      </div>
      <Submit busy={form.busy}>{t('selection.startButton')}</Submit>
    </form>
  );
}

function Outcome({ selection: s }: { selection: Selection }) {
  const lang = currentLang();
  const excluded = Object.entries(s.excludedByReason).filter(([, n]) => n > 0);
  return (
    <div class="panel" aria-live="polite">
      <h2>{t('selection.outcome')}</h2>
      <p>
        {t('status')}: <strong data-testid="selection-status">{label('selection', s.status)}</strong>
        {s.status === 'RUNNING' && ` ${t('selection.polling')}`}
      </p>
      {s.error && <p class="error">{s.error}</p>}
      <dl class="facts">
        <dt>{t('selection.seed')}</dt>
        <dd>
          <code>{s.seed}</code>
        </dd>
        <dt>{t('selection.startedAt')}</dt>
        <dd>{formatDateTime(s.startedAt, lang)}</dd>
        {s.finishedAt && (
          <>
            <dt>{t('selection.finishedAt')}</dt>
            <dd>{formatDateTime(s.finishedAt, lang)}</dd>
          </>
        )}
      </dl>
      <table>
        <caption>{t('selection.counts')}</caption>
        <tbody>
          {(
            [
              ['selection.applicants', s.applicants],
              ['selection.eligible', s.eligible],
              ['selection.selected', s.selected],
              ['selection.reservedSelected', s.reservedSelected],
            ] as const
          ).map(([key, n]) => (
            <tr key={key}>
              <th scope="row">{t(key)}</th>
              <td class="num">{n.toLocaleString('id-ID')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('selection.excluded')}</h3>
      {excluded.length === 0 ? (
        <p>{t('selection.noneExcluded')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('selection.reason')}</th>
              <th scope="col" class="num">
                {t('funnel.count')}
              </th>
            </tr>
          </thead>
          <tbody>
            {excluded.map(([reason, n]) => (
              <tr key={reason}>
                <th scope="row">{label('reason', reason)}</th>
                <td class="num">{n.toLocaleString('id-ID')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The exact command of docs/walkthrough.md step 8; the token is left for the reader to fill in. */
function VerifyCommand({ waveId }: { waveId: string }) {
  const [base, setBase] = useState('');
  useEffect(() => {
    apiUrl().then((url) => setBase(url || location.origin));
  }, []);
  if (!base) return null;
  const command = `PRAKERJA_TOKEN=$ADMIN_TOKEN npx tsx scripts/verify-draw.ts --api ${base} --wave ${waveId} --save draw.json`;
  return (
    <div class="panel">
      <h2>{t('selection.verify')}</h2>
      <p>{t('selection.verifyIntro')}</p>
      <CopyText text={command} label={t('copy')} copied={t('copied')} failed={t('copyFailed')} />
    </div>
  );
}

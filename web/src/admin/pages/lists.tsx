import { useState } from 'preact/hooks';
import { EXCLUSION_LISTS } from '#contexts/lists/rules/lists.ts';
import { newIdempotencyKey } from '../../lib/api.ts';
import { FormMessage, Select, Submit, useForm } from '../../lib/form.tsx';
import { chunks, type ParsedNiks, parseNikFile } from '../csv.ts';
import { MAX_NIKS_PER_CALL } from '../limits.ts';
import { adminApi, problemText } from '../session.ts';
import { label, t } from '../strings.ts';

// Importing the lists other agencies send. The file is read and checked here; its NIKs go
// to the API in calls of at most 10,000 over TLS and are never logged or kept in the page
// after the import. The API stores keyed hashes only (HMAC with a key that never leaves
// the server): the browser cannot hash "as the API does" without that key, and a plain
// hash of a 16-digit structured number is reversed by trying every candidate.
const LAID_OFF = 'laid-off';
const TARGETS: string[] = [...EXCLUSION_LISTS, LAID_OFF];

const endpoint = (list: string) =>
  list === LAID_OFF
    ? '/v1/admin/priority-lists/laid-off/entries'
    : `/v1/admin/exclusion-lists/${encodeURIComponent(list)}/entries`;

interface Progress {
  total: number;
  sent: number;
  received: number;
  imported: number;
  done: boolean;
}

const SHOWN_REJECTIONS = 200;
// 50 MB is about three million NIKs: far above any agency's list, and it stays in one tab.
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export default function ListsPage() {
  const form = useForm('import-list');
  const [list, setList] = useState<string>(EXCLUSION_LISTS[0]);
  const [parsed, setParsed] = useState<ParsedNiks | null>(null);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | null>(null);
  // One key per chunk, kept while the chunk is not through, so a retry repeats it.
  const [keys] = useState(() => new Map<string, string>());

  const onFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    setParsed(null);
    setProgress(null);
    setFileError(undefined);
    keys.clear();
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) return setFileError(t('lists.tooLarge'));
    const result = parseNikFile(await file.text());
    setParsed(result);
    if (!result.niks.length) setFileError(t('lists.noNiks'));
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (!parsed?.niks.length) {
      setFileError(t('lists.chooseFile'));
      form.setErrors({ file: t('lists.chooseFile') });
      return;
    }
    const element = event.currentTarget as HTMLFormElement;
    const parts = chunks(parsed.niks, MAX_NIKS_PER_CALL);
    void form.submit(async () => {
      let state: Progress = { total: parsed.niks.length, sent: 0, received: 0, imported: 0, done: false };
      setProgress(state);
      for (const [index, niks] of parts.entries()) {
        const id = `${list}#${index}`;
        if (!keys.has(id)) keys.set(id, newIdempotencyKey());
        const result = await adminApi<{ received: number; imported: number }>('POST', endpoint(list), {
          body: { niks },
          idempotencyKey: keys.get(id)!,
        });
        state = {
          ...state,
          sent: state.sent + niks.length,
          received: state.received + result.received,
          imported: state.imported + result.imported,
        };
        setProgress(state);
      }
      setProgress({ ...state, done: true });
      keys.clear();
      // The NIKs are through: none stays in the page (state or the file input).
      setParsed(null);
      element.reset();
    }, problemText);
  };

  return (
    <section>
      <h1 tabIndex={-1}>{t('lists.title')}</h1>
      <p>{t('lists.intro')}</p>
      <p class="note">{t('lists.privacy')}</p>
      <form id="import-list" class="panel" onSubmit={onSubmit} noValidate>
        <FormMessage message={form.message} />
        <Select
          name="list"
          label={t('lists.list')}
          value={list}
          onChange={(e) => {
            setList((e.currentTarget as HTMLSelectElement).value);
            setProgress(null);
          }}
          options={TARGETS.map((name) => [name, label('list', name)])}
        />
        <div class={fileError ? 'field invalid' : 'field'}>
          <label for="f-file">{t('lists.file')}</label>
          <p class="hint" id="f-file-hint">
            {t('lists.fileHint', { max: MAX_NIKS_PER_CALL.toLocaleString('id-ID') })}
          </p>
          <input
            id="f-file"
            name="file"
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            onChange={onFile}
            aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'f-file-hint f-file-error' : 'f-file-hint'}
          />
          {fileError && (
            <p class="error" id="f-file-error">
              {fileError}
            </p>
          )}
        </div>
        {parsed && <FileSummary parsed={parsed} />}
        <Submit busy={form.busy}>{t('lists.import')}</Submit>
      </form>
      {progress && <ImportProgress progress={progress} list={list} />}
    </section>
  );
}

function FileSummary({ parsed }: { parsed: ParsedNiks }) {
  const shown = parsed.rejected.slice(0, SHOWN_REJECTIONS);
  return (
    <div aria-live="polite">
      <p data-testid="file-summary">
        {t('lists.parsed', {
          valid: parsed.niks.length.toLocaleString('id-ID'),
          rejected: parsed.rejected.length.toLocaleString('id-ID'),
          duplicates: parsed.duplicates.toLocaleString('id-ID'),
        })}
      </p>
      {shown.length > 0 && (
        <details>
          <summary>{t('lists.rejectedLines')}</summary>
          <ul class="rejections">
            {shown.map((r) => (
              <li key={r.line}>{t('lists.line', { line: r.line, reason: label('nikReason', r.reason) })}</li>
            ))}
          </ul>
          {parsed.rejected.length > shown.length && (
            <p>{t('lists.moreRejected', { n: parsed.rejected.length - shown.length })}</p>
          )}
        </details>
      )}
    </div>
  );
}

function ImportProgress({ progress: p, list }: { progress: Progress; list: string }) {
  return (
    <div class="panel" aria-live="polite">
      <h2>{t('lists.progress')}</h2>
      <label for="import-progress">{t('lists.sent', { sent: p.sent, total: p.total })}</label>
      <progress id="import-progress" max={p.total} value={p.sent} />
      <p data-testid="import-result">
        {t('lists.counts', {
          received: p.received.toLocaleString('id-ID'),
          imported: p.imported.toLocaleString('id-ID'),
        })}
      </p>
      {p.done && (
        <p class="ok" role="status">
          {t('lists.done', { list: label('list', list) })}
        </p>
      )}
    </div>
  );
}

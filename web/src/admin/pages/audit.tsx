import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../../lib/api.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { localToIso, Scroll } from '../fields.tsx';
import { Actor, useAdministrators } from '../people.tsx';
import { adminApi, problemText } from '../session.ts';
import { t } from '../strings.ts';
import type { AuditItem, Page } from '../types.ts';

// The audit trail, newest first, filtered by actor, kind (exactly or as a prefix) and
// time. The server pages by hour: a page may be empty and still have a next cursor, so
// empty pages are followed (a few at a time) until something shows or the trail ends.
const FOLLOW_EMPTY = 24;

export default function AuditPage() {
  const form = useForm('audit-filter');
  const [query, setQuery] = useState<string | null>(null);
  const [items, setItems] = useState<AuditItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(false);

  const fetchFrom = async (base: string, from: string | null, keep: AuditItem[]) => {
    let next = from;
    let found: AuditItem[] = [];
    for (let i = 0; i < FOLLOW_EMPTY; i++) {
      const page = await adminApi<Page<AuditItem>>(
        'GET',
        `/v1/admin/audit?${base}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
      );
      found = found.concat(page.items);
      next = page.nextCursor;
      if (found.length || !next) break;
    }
    setItems([...keep, ...found]);
    setCursor(next);
  };

  const onSubmit = (event?: Event) => {
    event?.preventDefault();
    const v = event ? formValues(event.currentTarget as HTMLFormElement) : {};
    const params = new URLSearchParams({ limit: '50' });
    for (const name of ['actor', 'kind'] as const) {
      const value = String(v[name] ?? '').trim();
      if (value) params.set(name, value);
    }
    const from = localToIso(v.from);
    const to = localToIso(v.to);
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    const base = params.toString();
    void form.submit(async () => {
      setQuery(base);
      setItems([]);
      setCursor(null);
      await fetchFrom(base, null, []);
    }, problemText);
  };

  const more = async () => {
    if (!cursor || query === null) return;
    setLoading(true);
    setProblem(null);
    try {
      await fetchFrom(query, cursor, items);
    } catch (error) {
      setProblem(error as ApiProblem);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => onSubmit(), []);
  useAdministrators(items.map((a) => a.actor));
  const lang = currentLang();
  return (
    <section>
      <h1 tabIndex={-1}>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <form id="audit-filter" class="panel filters" onSubmit={onSubmit} noValidate>
        <FormMessage message={form.message} />
        <Field
          name="actor"
          label={t('audit.actor')}
          hint={t('audit.actorHint')}
          autocomplete="off"
          error={form.errors.actor}
        />
        <Field
          name="kind"
          label={t('audit.kind')}
          hint={t('audit.kindHint')}
          autocomplete="off"
          error={form.errors.kind}
        />
        <Field name="from" label={t('audit.from')} type="datetime-local" error={form.errors.from} />
        <Field name="to" label={t('audit.to')} type="datetime-local" error={form.errors.to} />
        <Submit busy={form.busy}>{t('audit.search')}</Submit>
      </form>
      {problem && <p role="alert">{problemText(problem)}</p>}
      {query !== null && !form.busy && !items.length && <p>{t('audit.none')}</p>}
      {items.length > 0 && (
        <Scroll label={t('audit.title')}>
          <table>
            <caption>{t('audit.caption', { n: items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.role')}</th>
                <th scope="col">{t('audit.kind')}</th>
                <th scope="col">{t('audit.subject')}</th>
                <th scope="col">{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a, i) => (
                <tr key={`${a.at}-${a.kind}-${a.subject}-${i}`}>
                  <td>{formatDateTime(a.at, lang)}</td>
                  <td>
                    <Actor id={a.actor} />
                  </td>
                  <td>{a.role}</td>
                  <td>
                    <code>{a.kind}</code>
                  </td>
                  <td>
                    <code>{a.subject}</code>
                  </td>
                  <td>
                    <code class="detail">{JSON.stringify(a.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {cursor && (
        <button type="button" disabled={loading} onClick={more}>
          {t('more')}
        </button>
      )}
    </section>
  );
}

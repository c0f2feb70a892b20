import { useState } from 'preact/hooks';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { navigate } from '../../lib/router.ts';
import { numberOf, Pager } from '../fields.tsx';
import { useIdempotencyKey } from '../idempotency.ts';
import { adminApi, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { Page, Partner } from '../types.ts';

// The partner registry: digital platforms and payment partners, by code.
export default function PartnersPage() {
  const [cursor, setCursor] = useState<string | null>(null);
  const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
  const partners = useData(
    () => adminApi<Page<Partner>>('GET', `/v1/admin/partners?limit=100${query}`),
    query,
  );
  return (
    <section>
      <h1 tabIndex={-1}>{t('partners.title')}</h1>
      {partners.error && <p role="alert">{problemText(partners.error)}</p>}
      {partners.data && (
        <table>
          <caption>{t('partners.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('partners.name')}</th>
              <th scope="col">{t('partners.code')}</th>
              <th scope="col">{t('partners.kind')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" class="num">
                {t('partners.activeKeys')}
              </th>
            </tr>
          </thead>
          <tbody>
            {partners.data.items.map((p) => (
              <tr key={p.partnerId}>
                <th scope="row">
                  <a href={`#/partners/${encodeURIComponent(p.partnerId)}`}>{p.name}</a>
                </th>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>{label('kind', p.kind)}</td>
                <td>{label('partner', p.status)}</td>
                <td class="num">{p.activeKeys}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager cursor={cursor} nextCursor={partners.data?.nextCursor} go={setCursor} />
      {may('admin') && <CreatePartner />}
    </section>
  );
}

function CreatePartner() {
  const form = useForm('create-partner');
  const idempotency = useIdempotencyKey();
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const v = formValues(event.currentTarget as HTMLFormElement);
    const body = {
      name: v.name,
      kind: v.kind,
      code: v.code,
      rateLimitPerSecond: numberOf(v.rateLimitPerSecond),
    };
    void form.submit(async () => {
      const partner = await idempotency.send(body, (idempotencyKey) =>
        adminApi<Partner>('POST', '/v1/admin/partners', { body, idempotencyKey }),
      );
      navigate(`/partners/${encodeURIComponent(partner.partnerId)}`);
    }, problemText);
  };
  return (
    <form
      id="create-partner"
      class="panel"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="create-partner-title"
    >
      <h2 id="create-partner-title">{t('partners.create')}</h2>
      <FormMessage message={form.message} />
      <Field name="name" label={t('partners.name')} required maxLength={100} error={form.errors.name} />
      <Select
        name="kind"
        label={t('partners.kind')}
        options={[
          ['platform', label('kind', 'platform')],
          ['payment', label('kind', 'payment')],
        ]}
        error={form.errors.kind}
      />
      <Field
        name="code"
        label={t('partners.code')}
        hint={t('partners.codeHint')}
        required
        maxLength={32}
        autocomplete="off"
        error={form.errors.code}
      />
      <Field
        name="rateLimitPerSecond"
        label={t('partners.rateLimit')}
        type="number"
        min={1}
        max={10000}
        defaultValue="100"
        error={form.errors.rateLimitPerSecond}
      />
      <Submit busy={form.busy}>{t('partners.createButton')}</Submit>
    </form>
  );
}

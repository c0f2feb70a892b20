import { useState } from 'preact/hooks';
import { newIdempotencyKey } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Submit, useForm } from '../../lib/form.tsx';
import { formatDate, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Page, Purchase } from '../types.ts';

type PurchasePage = Page<Purchase>;

export default function PurchasesPage() {
  const [pages, setPages] = useState<Purchase[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useData(async () => {
    const page = await meApi<PurchasePage>('GET', '/v1/me/purchases?limit=20');
    setPages(page.items);
    setCursor(page.nextCursor);
    return page;
  });
  const more = async () => {
    if (!cursor) return;
    const page = await meApi<PurchasePage>(
      'GET',
      `/v1/me/purchases?limit=20&cursor=${encodeURIComponent(cursor)}`,
    );
    setPages([...pages, ...page.items]);
    setCursor(page.nextCursor);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('purchasesTitle')}</h1>
      {first.error && <p role="alert">{problemText(first.error)}</p>}
      {first.data && !pages.length && <p>{t('noPurchases')}</p>}
      <ul class="purchases">
        {pages.map((p) => (
          <li key={p.purchaseId} class="panel">
            <h2>{p.courseTitle}</h2>
            <p>
              {p.platform.name} · {formatDate(p.createdAt, currentLang())} · {t('price')}{' '}
              {formatIdr(p.priceIdr)}
            </p>
            <p>
              {t('status')}:{' '}
              <strong>
                {t.has(`purchase.${p.status}`) ? t(`purchase.${p.status}` as CitizenKey) : p.status}
              </strong>
            </p>
            {p.voucherCode && (
              <p>
                {t('voucher')}: <strong class="code">{p.voucherCode}</strong>
              </p>
            )}
            {p.certificateNumber && (
              <p>
                {t('certificate')}: {p.certificateNumber}
              </p>
            )}
            {p.status === 'COMPLETED' &&
              (p.reviewed ? (
                <p class="ok">{t('reviewed')}</p>
              ) : (
                <ReviewForm purchaseId={p.purchaseId} onDone={first.reload} />
              ))}
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" onClick={() => void more()}>
          {t('more')}
        </button>
      )}
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}

function ReviewForm({ purchaseId, onDone }: { purchaseId: string; onDone(): void }) {
  const formId = `review-${purchaseId}`;
  const form = useForm(formId);
  const [key] = useState(newIdempotencyKey);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const { rating, comment } = formValues(event.currentTarget as HTMLFormElement);
    void form.submit(async () => {
      await meApi('POST', `/v1/me/purchases/${encodeURIComponent(purchaseId)}/review`, {
        body: { rating: Number(rating), comment },
        idempotencyKey: key,
      });
      onDone();
    }, problemText);
  };
  return (
    <form id={formId} onSubmit={onSubmit} noValidate aria-label={t('reviewTitle')}>
      <FormMessage message={form.message} />
      <Field
        name="rating"
        id={`${formId}-rating`}
        label={t('rating')}
        type="number"
        min={1}
        max={5}
        required
        error={form.errors.rating}
      />
      <Field
        name="comment"
        id={`${formId}-comment`}
        label={t('comment')}
        maxLength={500}
        error={form.errors.comment}
      />
      <Submit busy={form.busy}>{t('sendReview')}</Submit>
    </form>
  );
}

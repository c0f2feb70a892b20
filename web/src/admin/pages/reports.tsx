import { useData } from '../../lib/data.ts';
import { formatIdr } from '../../lib/format.ts';
import { Scroll } from '../fields.tsx';
import { adminApi, problemText } from '../session.ts';
import { t } from '../strings.ts';
import type { PurchaseReport, Totals } from '../types.ts';

// Purchases per platform (GET /v1/admin/reports/purchases takes no parameters: the
// whole programme to date), the private platforms and the fee-free government one apart.
const COLUMNS = ['purchases', 'paid', 'redemptions', 'completions', 'cancellations'] as const;

function Cells({ totals }: { totals: Totals }) {
  return (
    <>
      {COLUMNS.map((c) => (
        <td key={c} class="num">
          {totals[c].toLocaleString('id-ID')}
        </td>
      ))}
      <td class="num">{formatIdr(totals.amountIdr)}</td>
    </>
  );
}

function Head({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {COLUMNS.map((c) => (
          <th key={c} scope="col" class="num">
            {t(`reports.${c}`)}
          </th>
        ))}
        <th scope="col" class="num">
          {t('reports.amountIdr')}
        </th>
      </tr>
    </thead>
  );
}

const sum = (a: Totals, b: Totals): Totals => ({
  purchases: a.purchases + b.purchases,
  paid: a.paid + b.paid,
  redemptions: a.redemptions + b.redemptions,
  completions: a.completions + b.completions,
  cancellations: a.cancellations + b.cancellations,
  amountIdr: a.amountIdr + b.amountIdr,
});

export default function ReportsPage() {
  const report = useData(() => adminApi<PurchaseReport>('GET', '/v1/admin/reports/purchases'));
  const r = report.data;
  return (
    <section>
      <h1 tabIndex={-1}>{t('reports.title')}</h1>
      <p>{t('reports.intro')}</p>
      {report.error && <p role="alert">{problemText(report.error)}</p>}
      {r && (
        <>
          <Scroll label={t('reports.caption')}>
            <table>
              <caption>{t('reports.caption')}</caption>
              <Head first={t('reports.platform')} />
              <tbody>
                {r.platforms.map((p) => (
                  <tr key={p.partnerId}>
                    <th scope="row">
                      {p.name}
                      {p.feeFree && <span class="tag">{t('reports.feeFree')}</span>}
                    </th>
                    <Cells totals={p} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('reports.private')}</th>
                  <Cells totals={r.privatePlatforms} />
                </tr>
                <tr>
                  <th scope="row">{t('reports.government')}</th>
                  <Cells totals={r.governmentPlatform} />
                </tr>
                <tr class="total">
                  <th scope="row">{t('reports.total')}</th>
                  <Cells totals={sum(r.privatePlatforms, r.governmentPlatform)} />
                </tr>
              </tfoot>
            </table>
          </Scroll>
          {r.platforms
            .filter((p) => p.institutions.length > 0)
            .map((p) => (
              <details key={p.partnerId}>
                <summary>{t('reports.institutionsOf', { platform: p.name })}</summary>
                <Scroll label={t('reports.institutionsOf', { platform: p.name })}>
                  <table>
                    <Head first={t('reports.institution')} />
                    <tbody>
                      {p.institutions.map((i) => (
                        <tr key={i.id}>
                          <th scope="row">{i.name}</th>
                          <Cells totals={i} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroll>
              </details>
            ))}
        </>
      )}
    </section>
  );
}

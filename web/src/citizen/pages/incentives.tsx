import { useData } from '../../lib/data.ts';
import { formatDate, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Incentive } from '../types.ts';

export default function IncentivesPage() {
  const list = useData(() => meApi<{ items: Incentive[] }>('GET', '/v1/me/incentives'));
  return (
    <section>
      <h1 tabIndex={-1}>{t('incentivesTitle')}</h1>
      {list.error && <p role="alert">{problemText(list.error)}</p>}
      {list.data && !list.data.items.length && <p>{t('noIncentives')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('dueDate')}</th>
              <th scope="col">{t('amount')}</th>
              <th scope="col">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((i, index) => (
              <tr key={`${i.kind}-${i.dueDate}-${index}`}>
                <td>
                  {formatDate(i.dueDate, currentLang())} · {t(`kind.${i.kind}` as CitizenKey)}
                </td>
                <td class="num">{formatIdr(i.amountIdr)}</td>
                <td>
                  {t.has(`incentive.${i.status}`) ? t(`incentive.${i.status}` as CitizenKey) : i.status}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}

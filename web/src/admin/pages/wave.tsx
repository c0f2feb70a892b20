import { useData } from '../../lib/data.ts';
import { formatDateTime, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { FunnelChart } from '../funnel-chart.tsx';

import { adminApi, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { Funnel, Page, PageProps, Wave } from '../types.ts';

// One wave: its terms and its funnel (how many remain after each screening stage).
export default function WavePage({ params }: PageProps) {
  const waveId = params.waveId!;
  const path = encodeURIComponent(waveId);
  // There is no GET for one wave: the list has them all (by opening time).
  const waves = useData(() => adminApi<Page<Wave>>('GET', '/v1/waves?limit=500'), waveId);
  const funnel = useData(() => adminApi<Funnel>('GET', `/v1/admin/waves/${path}/funnel`), waveId);
  const wave = waves.data?.items.find((w) => w.waveId === waveId);
  const lang = currentLang();
  return (
    <section>
      <p>
        <a href="#/waves">{t('waves.back')}</a>
      </p>
      <h1 tabIndex={-1}>{wave ? wave.name : t('waves.wave')}</h1>
      {waves.error && <p role="alert">{problemText(waves.error)}</p>}
      {waves.data && !wave && <p role="alert">{t('problem.not-found')}</p>}
      {wave && (
        <dl class="facts">
          <dt>{t('status')}</dt>
          <dd>{label('wave', wave.status)}</dd>
          <dt>{t('waves.opensAt')}</dt>
          <dd>{formatDateTime(wave.opensAt, lang)}</dd>
          <dt>{t('waves.closesAt')}</dt>
          <dd>{formatDateTime(wave.closesAt, lang)}</dd>
          <dt>{t('waves.quota')}</dt>
          <dd>
            {t('waves.quotaOf', {
              quota: wave.quota.toLocaleString('id-ID'),
              reserved: wave.reservedQuota.toLocaleString('id-ID'),
            })}
          </dd>
          <dt>{t('waves.trainingBalance')}</dt>
          <dd>{formatIdr(wave.scheme.trainingBalanceIdr)}</dd>
          <dt>{t('waves.incentive')}</dt>
          <dd>
            {t('waves.incentiveOf', {
              amount: formatIdr(wave.scheme.incentiveIdr),
              months: wave.scheme.incentiveMonths,
            })}
          </dd>
          <dt>{t('waves.surveyIncentive')}</dt>
          <dd>
            {t('waves.surveysOf', {
              amount: formatIdr(wave.scheme.surveyIncentiveIdr),
              count: wave.scheme.surveyCount,
            })}
          </dd>
        </dl>
      )}
      <p>
        <a href={`#/waves/${path}/selection`}>{t('selection.link')}</a>
      </p>
      <h2>{t('funnel.title')}</h2>
      {funnel.error && <p role="alert">{problemText(funnel.error)}</p>}
      {funnel.data && <FunnelChart stages={funnel.data.stages} quota={funnel.data.quota} />}
    </section>
  );
}

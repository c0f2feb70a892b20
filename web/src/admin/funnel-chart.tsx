import { useEffect, useRef } from 'preact/hooks';
import { currentLang } from '../lib/i18n.ts';
import { label, t } from './strings.ts';

// The funnel as bars (chartist, fetched only now) and, for everyone who cannot see them,
// the same numbers as the chart's accessible name and as a table.
export function FunnelChart({
  stages,
  quota,
}: {
  stages: { stage: string; count: number }[];
  quota: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const lang = currentLang();
  const names = stages.map((s) => label('stage', s.stage));
  const counts = stages.map((s) => s.count);
  const key = `${lang}|${names.join('|')}|${counts.join('|')}`;
  useEffect(() => {
    let live = true;
    let chart: { detach(): void } | undefined;
    import('./chart.ts').then((m) => {
      if (live && box.current) chart = m.drawBars(box.current, names, counts);
    });
    return () => {
      live = false;
      chart?.detach();
    };
  }, [key]);
  const summary = stages.map((s, i) => `${names[i]}: ${s.count.toLocaleString('id-ID')}`).join('; ');
  return (
    <figure class="funnel">
      <figcaption>{t('funnel.caption', { quota: quota.toLocaleString('id-ID') })}</figcaption>
      <div ref={box} class="funnel-chart" role="img" aria-label={`${t('funnel.title')}. ${summary}`} />
      <table>
        <caption class="visually-hidden">{t('funnel.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('funnel.stage')}</th>
            <th scope="col" class="num">
              {t('funnel.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s, i) => (
            <tr key={s.stage}>
              <th scope="row">{names[i]}</th>
              <td class="num">{s.count.toLocaleString('id-ID')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

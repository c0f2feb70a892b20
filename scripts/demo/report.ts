import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { count, percent, rupiah } from './format.ts';
import { duration, payoutRows } from './summary.ts';
import type { DemoResult } from './tally.ts';

// The HTML report: one self-contained file (chartist's JS and CSS inlined, no request
// leaves the page), every text escaped, the charts drawn by chartist from inline data.

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: nothing in it can close the element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

function chartist(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('chartist/dist/index.umd.js'));
  const strip = (s: string) => s.replace(/\/[*/]# sourceMappingURL=[^\s*]+( \*\/)?/g, '');
  return {
    js: strip(readFileSync(`${dir}/index.umd.js`, 'utf8')).replace(/<\/(script)/gi, '<\\/$1'),
    css: strip(readFileSync(`${dir}/index.css`, 'utf8')).replace(/<\/(style)/gi, '<\\/$1'),
  };
}

const rows = (cells: (string | number)[][], head: string[]) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${cells
    .map((r) => `<tr>${r.map((c, i) => `<td${i ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export function reportHtml(r: DemoResult): string {
  const { js, css } = chartist();
  const payouts = payoutRows(r);
  const partners = [...new Set(payouts.map((p) => p.code))];
  const data = {
    funnel: { labels: r.funnel.map((s) => s.step), series: [r.funnel.map((s) => s.count)] },
    platforms: {
      labels: r.purchasesByPlatform.map((p) => p.platform),
      series: [r.purchasesByPlatform.map((p) => p.amountIdr)],
    },
    partners: {
      labels: partners,
      series: r.runs.map((run) => partners.map((code) => run.totals.byPartner[code]?.paidIdr ?? 0)),
    },
  };
  const runSections = r.runs
    .map(
      (run) => `<h3>${esc(run.label)}: ${esc(run.status)}</h3>
<p>${esc(`${run.runId}, period ${run.period}, budget ${rupiah(run.budgetIdr)}, ${run.faults}, ${duration(run.seconds)}`)}</p>
${rows(
  payouts
    .filter((p) => p.run === run.label)
    .map((p) => [
      p.code,
      count(p.instructions),
      count(p.paid),
      rupiah(p.paidIdr),
      count(p.failed),
      rupiah(p.failedIdr),
    ])
    .concat([
      [
        'total',
        count(run.totals.instructions),
        count(run.totals.byStatus.PAID),
        rupiah(run.totals.paidIdr),
        count(run.totals.byStatus.FAILED),
        rupiah(run.totals.failedIdr),
      ],
    ]),
  ['partner', 'instructions', 'paid', 'paid (Rp)', 'failed', 'failed (Rp)'],
)}
${
  run.reconciliation
    ? `<p>${esc(
        `Reconciliation: ${count(run.reconciliation.matched)} matched, ${run.reconciliation.missingAtPartner} missing at the partner, ${run.reconciliation.unknownAtPartner} unknown at the partner, ${run.reconciliation.amountMismatches} amount mismatches.`,
      )}</p>`
    : ''
}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>${esc(`Prakerja demo: ${r.n} citizens, seed ${r.seed}`)}</title>
<style>${css}</style>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:68rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.chart{height:22rem}.legend span{margin-right:1.5rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.ct-label{font-size:.8rem}.ct-bar{stroke-width:22px}
</style></head><body>
<h1>Prakerja demo</h1>
<p>${esc(`${count(r.n)} synthetic citizens, seed ${r.seed}, wave ${r.waveId} (quota ${count(r.quota)}, ${count(r.reservedQuota)} reserved), started ${r.startedAt}, took ${duration(r.seconds)}.`)}</p>
<h2>Funnel</h2>
<div id="funnel" class="chart"></div>
${rows(
  r.funnel.map((s, i) => [
    s.step,
    count(s.count),
    percent(s.count, r.funnel[0]!.count),
    i ? percent(s.count, r.funnel[i - 1]!.count) : '',
  ]),
  ['step', 'count', 'of registered', 'of previous step'],
)}
<h2>Training balances</h2>
${rows(
  [
    ['credited', rupiah(r.money.creditedIdr)],
    ['spent on courses', rupiah(r.money.spentIdr)],
    ['remaining', rupiah(r.money.remainingIdr)],
    [`returned to the treasury (${r.money.revoked} revoked)`, rupiah(r.money.returnedIdr)],
  ],
  ['', 'rupiah'],
)}
<h2>Purchases by platform</h2>
<div id="platforms" class="chart"></div>
${rows(
  r.purchasesByPlatform.map((p) => [p.platform, count(p.count), rupiah(p.amountIdr), count(p.completed)]),
  ['platform', 'purchases', 'rupiah', 'completed'],
)}
<h2>Incentives by payment partner</h2>
<p class="legend">${r.runs.map((run, i) => `<span><i style="background:${['#d70206', '#f05b4f', '#f4c63d'][i] ?? '#999'}"></i>${esc(`${run.label} (paid)`)}</span>`).join('')}</p>
<div id="partners" class="chart"></div>
${runSections}
<p>${esc(`The demo's participants: ${count(r.incentives.paid)} incentives paid (${rupiah(r.incentives.paidIdr)}) of ${count(r.incentives.scheduled)} scheduled; ${count(r.incentives.waiting)} (${rupiah(r.incentives.waitingIdr)}) wait for a payout account.`)}</p>
<h2>Time</h2>
${rows(
  r.phases.map((p) => [p.label, `${p.seconds.toFixed(1)} s`]),
  ['phase', 'time'],
)}
<script>${js}</script>
<script>
const data = ${scriptJson(data)};
const fmt = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
const rp = (v) => 'Rp ' + fmt.format(v);
const short = (v) => v >= 1e9 ? 'Rp ' + fmt.format(v / 1e9) + ' M' : v >= 1e6 ? 'Rp ' + fmt.format(v / 1e6) + ' jt' : v >= 1e3 ? 'Rp ' + fmt.format(v / 1e3) + ' rb' : rp(v);
const values = (chart, horizontal, label) => chart.on('draw', (d) => {
  if (d.type !== 'bar') return;
  const v = horizontal ? d.value.x : d.value.y;
  if (!v) return;
  d.group.elem('text', horizontal ? { x: d.x2 + 6, y: d.y2 + 4 } : { x: d.x2, y: d.y2 - 6, 'text-anchor': 'middle' }, 'ct-label').text(label(v));
});
values(new Chartist.BarChart('#funnel', data.funnel, { horizontalBars: true, reverseData: true, axisY: { offset: 80 }, axisX: { onlyInteger: true, labelInterpolationFnc: (v) => fmt.format(v) }, chartPadding: { right: 60 } }), true, (v) => fmt.format(v));
values(new Chartist.BarChart('#platforms', data.platforms, { axisY: { offset: 80, labelInterpolationFnc: short }, chartPadding: { top: 20 } }), false, short);
new Chartist.BarChart('#partners', data.partners, { stackBars: true, axisY: { offset: 80, labelInterpolationFnc: short } });
</script>
</body></html>
`;
}

export function writeReport(path: string, r: DemoResult) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, reportHtml(r));
}

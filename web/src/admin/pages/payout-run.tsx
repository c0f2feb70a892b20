import { useState } from 'preact/hooks';
import type { ApiProblem } from '../../lib/api.ts';
import { useData } from '../../lib/data.ts';
import { formatDate, formatDateTime, formatIdr } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { Scroll } from '../fields.tsx';
import { useIdempotencyKey } from '../idempotency.ts';
import { Actor, useAdministrators } from '../people.tsx';
import { usePoll } from '../poll.ts';
import { adminApi, currentAccountId, may, problemText } from '../session.ts';
import { label, t } from '../strings.ts';
import type { Instruction, Page, PageProps, PayoutRun, Reconciliation, Tally } from '../types.ts';

// One payout run: status and totals followed every 2 s while it moves, the progress per
// payment partner, the approver's approval, the instructions and the reconciliation.
const MOVING = new Set(['STAGING', 'DISBURSING']);
const SETTLED = new Set(['COMPLETED', 'COMPLETED_WITH_FAILURES']);

export default function PayoutRunPage({ params }: PageProps) {
  const runId = params.runId!;
  const base = `/v1/admin/payout-runs/${encodeURIComponent(runId)}`;
  const run = useData(() => adminApi<PayoutRun>('GET', base), runId);
  const r = run.data;
  // Every 2 s while it moves; while it waits for an approver (who may approve it from
  // another browser), every 5 s so that this page sees the approval too.
  usePoll(!!r && MOVING.has(r.status), run.reload);
  usePoll(r?.status === 'AWAITING_APPROVAL', run.reload, 5000);
  useAdministrators([r?.createdBy, r?.approvedBy, r?.closedBy]);
  const lang = currentLang();
  return (
    <section>
      <p>
        <a href="#/payout-runs">{t('runs.back')}</a>
      </p>
      <h1 tabIndex={-1}>{r ? t('runs.runOf', { period: r.period }) : t('runs.run')}</h1>
      {run.error && <p role="alert">{problemText(run.error)}</p>}
      {r && (
        <>
          <div aria-live="polite">
            <p>
              {t('status')}: <strong data-testid="run-status">{label('run', r.status)}</strong>
              {MOVING.has(r.status) && ` ${t('runs.polling')}`}
            </p>
            {r.budgetReached && <p class="note">{t('runs.budgetReached')}</p>}
          </div>
          <dl class="facts">
            <dt>{t('runs.budget')}</dt>
            <dd>{formatIdr(r.budgetIdr)}</dd>
            <dt>{t('runs.createdAt')}</dt>
            <dd>
              {formatDateTime(r.createdAt, lang)} · <Actor id={r.createdBy} />
            </dd>
            {r.approvedAt && (
              <>
                <dt>{t('runs.approvedAt')}</dt>
                <dd>
                  {formatDateTime(r.approvedAt, lang)} · <Actor id={r.approvedBy} />
                </dd>
              </>
            )}
            {r.completedAt && (
              <>
                <dt>{t('runs.completedAt')}</dt>
                <dd>{formatDateTime(r.completedAt, lang)}</dd>
              </>
            )}
            {r.closedAt && (
              <>
                <dt>{t('runs.closedAt')}</dt>
                <dd>
                  {formatDateTime(r.closedAt, lang)} · <Actor id={r.closedBy} />
                </dd>
                <dt>{t('runs.closedReason')}</dt>
                <dd>{r.closedReason}</dd>
              </>
            )}
          </dl>
          <Totals run={r} />
          {r.status === 'AWAITING_APPROVAL' && may('approver') && (
            <Approve run={r} base={base} onDone={run.reload} />
          )}
          {r.status === 'AWAITING_APPROVAL' && may('approver') && (
            <Close what="rejection" run={r} base={base} onDone={run.reload} />
          )}
          {r.status === 'AWAITING_APPROVAL' && !may('approver') && (
            <p class="note">{t('runs.awaitingApprover')}</p>
          )}
          {(r.status === 'STAGING' || r.status === 'AWAITING_APPROVAL') && may('admin') && (
            <Close what="cancellation" run={r} base={base} onDone={run.reload} />
          )}
          {SETTLED.has(r.status) && <Reconcile run={r} base={base} />}
          <Instructions key={r.status} base={base} />
        </>
      )}
    </section>
  );
}

function Progress({ tally, name }: { tally: Tally; name: string }) {
  const done = tally.byStatus.PAID + tally.byStatus.FAILED;
  const id = `progress-${name.replace(/\W/g, '-')}`;
  return (
    <>
      <label for={id} class="visually-hidden">
        {t('runs.progressOf', { name })}
      </label>
      <progress id={id} max={Math.max(1, tally.instructions)} value={done} />
      <span class="hint">
        {t('runs.settledOf', {
          done: done.toLocaleString('id-ID'),
          total: tally.instructions.toLocaleString('id-ID'),
        })}
      </span>
    </>
  );
}

function Totals({ run }: { run: PayoutRun }) {
  const rows: Array<[string, string, Tally]> = Object.entries(run.totals.byPartner)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, tally]) => [code, code.toUpperCase(), tally]);
  return (
    <Scroll label={t('runs.totals')}>
      <table class="run-totals">
        <caption>{t('runs.totals')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('runs.partner')}</th>
            <th scope="col" class="num">
              {t('runs.instructions')}
            </th>
            <th scope="col" class="num">
              {t('runs.amount')}
            </th>
            <th scope="col" class="num">
              {t('run.PAID')}
            </th>
            <th scope="col" class="num">
              {t('run.FAILED')}
            </th>
            <th scope="col" class="num">
              {t('run.PENDING')}
            </th>
            <th scope="col" class="num">
              {t('runs.paidIdr')}
            </th>
            <th scope="col">{t('runs.progress')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([code, name, tally]) => (
            <tr key={code} data-testid={`partner-${code}`}>
              <th scope="row">{name}</th>
              <TallyCells tally={tally} />
              <td>
                <Progress tally={tally} name={name} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr class="total">
            <th scope="row">{t('reports.total')}</th>
            <TallyCells tally={run.totals} />
            <td>
              <Progress tally={run.totals} name={t('reports.total')} />
            </td>
          </tr>
        </tfoot>
      </table>
    </Scroll>
  );
}

function TallyCells({ tally }: { tally: Tally }) {
  return (
    <>
      <td class="num">{tally.instructions.toLocaleString('id-ID')}</td>
      <td class="num">{formatIdr(tally.amountIdr)}</td>
      <td class="num">{tally.byStatus.PAID.toLocaleString('id-ID')}</td>
      <td class="num">{tally.byStatus.FAILED.toLocaleString('id-ID')}</td>
      <td class="num">{tally.byStatus.PENDING.toLocaleString('id-ID')}</td>
      <td class="num">{formatIdr(tally.paidIdr)}</td>
    </>
  );
}

function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(error as ApiProblem);
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
}

function ProblemMessage({ problem }: { problem: ApiProblem | null }) {
  return problem ? (
    <p class="form-message" role="alert">
      {problemText(problem)}
    </p>
  ) : null;
}

/** The approver's step; the creator of the run is refused by the server (403 own-run). */
function Approve({ run, base, onDone }: { run: PayoutRun; base: string; onDone: () => void }) {
  const action = useAction();
  const idempotency = useIdempotencyKey();
  const own = currentAccountId() === run.createdBy;
  const approve = () =>
    action.run(async () => {
      await idempotency.send(run.runId, (idempotencyKey) =>
        adminApi('POST', `${base}/approval`, { idempotencyKey }),
      );
      onDone();
    });
  return (
    <div class="panel">
      <h2>{t('runs.approval')}</h2>
      <p>
        {t('runs.approvalIntro', { amount: formatIdr(run.totals.amountIdr), count: run.totals.instructions })}
      </p>
      {own && <p class="note">{t('runs.ownRunNote')}</p>}
      <ProblemMessage problem={action.problem} />
      <button type="button" class="primary" disabled={action.busy} onClick={approve}>
        {t('runs.approve')}
      </button>
    </div>
  );
}

/** The approver's rejection, or an admin's cancellation of a run not yet approved: a
 *  reason is required; the run's incentives become due again. */
function Close({
  what,
  run,
  base,
  onDone,
}: {
  what: 'rejection' | 'cancellation';
  run: PayoutRun;
  base: string;
  onDone: () => void;
}) {
  const action = useAction();
  const idempotency = useIdempotencyKey();
  const [reason, setReason] = useState('');
  const id = `close-${what}`;
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      await idempotency.send(`${what}:${run.runId}:${reason.trim()}`, (idempotencyKey) =>
        adminApi('POST', `${base}/${what}`, { idempotencyKey, body: { reason: reason.trim() } }),
      );
      onDone();
    });
  };
  return (
    <form class="panel" id={id} onSubmit={submit}>
      <h2>{t(`runs.${what}`)}</h2>
      <p>{t(`runs.${what}Intro`)}</p>
      <label for={`${id}-reason`}>{t('runs.closeReason')}</label>
      <textarea
        id={`${id}-reason`}
        required
        maxLength={500}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
      />
      <ProblemMessage problem={action.problem} />
      <button type="submit" disabled={action.busy || !reason.trim()}>
        {t(what === 'rejection' ? 'runs.reject' : 'runs.cancel')}
      </button>
    </form>
  );
}

function Reconcile({ run, base }: { run: PayoutRun; base: string }) {
  const action = useAction();
  const idempotency = useIdempotencyKey();
  const [result, setResult] = useState<Reconciliation | null>(null);
  const [started, setStarted] = useState(false);
  const reconcile = () =>
    action.run(async () => {
      // One key per click, the same on a retry after a failure; a later click compares anew.
      const answer = await idempotency.send(run.runId, (idempotencyKey) =>
        adminApi<Reconciliation | { status?: string }>('POST', `${base}/reconciliation`, { idempotencyKey }),
      );
      // A large run answers 202: the workflow reconciles it, the run shows the result.
      if ('matched' in answer) setResult(answer);
      else setStarted(true);
    });
  const stored = run.reconciliation;
  const counts =
    result ??
    (stored?.at && stored.matched !== undefined && stored.status !== 'RUNNING'
      ? {
          at: stored.at,
          matched: stored.matched,
          missingAtPartner: stored.missingAtPartner ?? 0,
          unknownAtPartner: stored.unknownAtPartner ?? 0,
          amountMismatches: stored.amountMismatches ?? 0,
        }
      : undefined);
  const running = started || stored?.status === 'RUNNING';
  return (
    <div class="panel">
      <h2>{t('recon.title')}</h2>
      <ProblemMessage problem={action.problem} />
      {running && !result && <p data-testid="recon-running">{t('recon.running')}</p>}
      {counts && (
        <table>
          <caption>{t('recon.at', { at: formatDateTime(counts.at, currentLang()) })}</caption>
          <tbody>
            {(['matched', 'missingAtPartner', 'unknownAtPartner', 'amountMismatches'] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{t(`recon.${k}`)}</th>
                <td class="num" data-testid={`recon-${k}`}>
                  {counts[k].toLocaleString('id-ID')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && result.differences.length > 0 && (
        <table>
          <caption>{t('recon.differences')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runs.instruction')}</th>
              <th scope="col">{t('runs.partner')}</th>
              <th scope="col">{t('recon.kind')}</th>
              <th scope="col" class="num">
                {t('recon.ours')}
              </th>
              <th scope="col" class="num">
                {t('recon.theirs')}
              </th>
            </tr>
          </thead>
          <tbody>
            {result.differences.map((d) => (
              <tr key={d.instructionId}>
                <td>
                  <code>{d.instructionId}</code>
                </td>
                <td>{d.partnerCode}</td>
                <td>{label('recon', d.kind)}</td>
                <td class="num">{d.ourAmountIdr === undefined ? '' : formatIdr(d.ourAmountIdr)}</td>
                <td class="num">{d.partnerAmountIdr === undefined ? '' : formatIdr(d.partnerAmountIdr)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may('admin') && (
        <button type="button" class="primary" disabled={action.busy} onClick={reconcile}>
          {t('recon.run')}
        </button>
      )}
    </div>
  );
}

/** The instructions, a page at a time (nextCursor); read again when the run's status changes. */
function Instructions({ base }: { base: string }) {
  const [pages, setPages] = useState<string[]>(['']);
  const [extra, setExtra] = useState<Instruction[]>([]);
  const first = useData(() => adminApi<Page<Instruction>>('GET', `${base}/instructions?limit=50`), base);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const cursor = next === undefined ? first.data?.nextCursor : next;
  const more = async () => {
    if (!cursor) return;
    try {
      const page = await adminApi<Page<Instruction>>(
        'GET',
        `${base}/instructions?limit=50&cursor=${encodeURIComponent(cursor)}`,
      );
      setExtra((items) => [...items, ...page.items]);
      setNext(page.nextCursor);
      setPages((p) => [...p, cursor]);
    } catch (error) {
      setProblem(error as ApiProblem);
    }
  };
  const items = [...(first.data?.items ?? []), ...extra];
  const lang = currentLang();
  return (
    <div>
      <h2>{t('runs.instructionsTitle')}</h2>
      {(first.error || problem) && <p role="alert">{problemText((first.error ?? problem)!)}</p>}
      {first.data && !items.length && <p>{t('runs.noInstructions')}</p>}
      {items.length > 0 && (
        <Scroll label={t('runs.instructionsTitle')}>
          <table>
            <caption>{t('runs.instructionsShown', { n: items.length, pages: pages.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('runs.partner')}</th>
                <th scope="col">{t('runs.account')}</th>
                <th scope="col">{t('runs.incentive')}</th>
                <th scope="col" class="num">
                  {t('runs.amount')}
                </th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('runs.reference')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.instructionId}>
                  <td>{i.partnerCode}</td>
                  <td>
                    <code>{i.accountNumberMasked}</code>
                  </td>
                  <td>
                    {label('incentiveKind', i.incentive.kind)} {i.incentive.n} ·{' '}
                    {formatDate(i.incentive.dueDate, lang)}
                  </td>
                  <td class="num">{formatIdr(i.amountIdr)}</td>
                  <td>
                    {label('run', i.status)}
                    {i.reason ? ` (${i.reason})` : ''}
                  </td>
                  <td>{i.partnerReference ? <code>{i.partnerReference}</code> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {cursor && (
        <button type="button" onClick={more}>
          {t('more')}
        </button>
      )}
    </div>
  );
}

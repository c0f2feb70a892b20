import { describe, expect, it } from 'vitest';
import { BATCHES_PER_CALL } from '#contexts/payouts/handlers/enqueue-page.ts';
import { MAX_BATCH } from '#contexts/payouts/store/payout-staging.ts';
import {
  HAND_BACK_PER_CALL,
  HAND_BACK_WAITS,
  MAX_POLL_SECONDS,
  MAX_PROGRESS_LOOKS,
} from '#contexts/payouts/workflow.ts';
import { DUE_SHARDS } from '#contexts/purchases/items.ts';
import { workflows } from '#contexts/workflows.ts';
import { retryHorizonSeconds } from '#platform/queues.ts';
import { checkWorkflows, forbiddenFeatures } from '../../scripts/check-workflows.ts';

describe('workflow definitions', () => {
  it.each(checkWorkflows())('$name is valid ASL and uses nothing the local interpreter ignores', (result) => {
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.forbidden).toEqual([]);
  });

  // The local runner maps a Task state to its handler by the state's name, the CDK app by
  // its Resource: both must name the same task.
  it.each(Object.entries(workflows))(
    'every Task state of %s is named after its handler',
    (_name, workflow) => {
      const tasks: string[] = [];
      const walk = (states: Record<string, any>) => {
        for (const [name, state] of Object.entries(states)) {
          if (state.Type === 'Task') {
            tasks.push(name);
            expect(state.Resource).toBe(name);
          }
          if (state.ItemProcessor) walk(state.ItemProcessor.States);
        }
      };
      walk(workflow.definition((t) => t).States);
      expect(tasks.sort()).toEqual(Object.keys(workflow.tasks).sort());
    },
  );

  const state = (extra: Record<string, unknown>) => ({
    StartAt: 'A',
    States: { A: { Type: 'Pass', End: true, ...extra } },
  });

  it.each([
    ['JSONata', { StartAt: 'A', QueryLanguage: 'JSONata', States: { A: { Type: 'Pass', End: true } } }],
    ['Arguments', state({ Arguments: {} })],
    ['Output', state({ Output: '{% $states.input %}' })],
    ['Assign', state({ Assign: { x: 1 } })],
    [
      'a Distributed Map',
      state({
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED' },
          StartAt: 'B',
          States: { B: { Type: 'Pass', End: true } },
        },
      }),
    ],
    ['an ItemReader', state({ Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject' } })],
    [
      'waitForTaskToken',
      state({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }),
    ],
  ])('flags %s', (_name, definition) => {
    expect(forbiddenFeatures(definition).length).toBeGreaterThan(0);
  });

  it('does not flag data that merely uses those names', () => {
    expect(forbiddenFeatures(state({ Parameters: { Output: 1, Assign: 2 } }))).toEqual([]);
  });

  // --- an execution that cannot hang ------------------------------------------------

  it.each(Object.entries(workflows))('%s has its own integer TimeoutSeconds', (_name, workflow) => {
    const { TimeoutSeconds } = workflow.definition((t) => t);
    expect(Number.isInteger(TimeoutSeconds)).toBe(true);
    expect(TimeoutSeconds).toBeGreaterThan(0);
    // Step Functions' standard workflows last a year at most.
    expect(TimeoutSeconds).toBeLessThanOrEqual(365 * 24 * 3600);
  });

  it.each(Object.entries(workflows))(
    'every failure of %s ends in its failure-recording step',
    (name, workflow) => {
      expect(workflow.tasks.RecordFailure).toMatch(/^(payouts|selection)\/record-failure$/);
      expect(workflow.tasks.RecordFailure?.startsWith(name)).toBe(true);
      const { States } = workflow.definition((t) => t) as { States: Record<string, any> };
      const targets = (state: any): string[] => [
        ...(state.Next ? [state.Next] : []),
        ...(state.Default ? [state.Default] : []),
        ...(state.Choices ?? []).map((c: any) => c.Next),
        ...(state.Catch ?? []).map((c: any) => c.Next),
      ];
      for (const [stateName, state] of Object.entries(States)) {
        if (stateName === 'RecordFailure') continue;
        if (['Task', 'Map', 'Parallel'].includes(state.Type)) {
          // A failure inside a Map's iteration fails the Map: its Catch takes it.
          const all = (state.Catch ?? []).find((c: any) => c.ErrorEquals.includes('States.ALL'));
          expect(all?.Next, `${stateName} catches States.ALL`).toBe('RecordFailure');
        }
        // No Fail state but after RecordFailure: an execution never fails unrecorded.
        for (const target of targets(state))
          expect(States[target]?.Type, `${stateName} -> ${target}`).not.toBe('Fail');
      }
      const recorder = States.RecordFailure;
      expect(recorder.Type).toBe('Task');
      expect(recorder.Catch).toBeUndefined();
      expect(States[recorder.Next].Type).toBe('Fail');
      // A failure inside a Map's iteration has nowhere to go but the Map's Catch.
      for (const state of Object.values(States))
        for (const inner of Object.values<any>(state.ItemProcessor?.States ?? {}))
          expect(inner.Type).not.toBe('Fail');
    },
  );

  /**
   * Worst-case history events, as Step Functions counts them for a standard workflow:
   * ExecutionStarted and its end (2); a Task's Entered and Exited plus three per attempt
   * (Scheduled, Started, Succeeded/Failed), every retry taken; a Fail's Entered (1); a
   * Map's Entered, Started, Succeeded, Exited (4) and each iteration's Started and
   * Succeeded (2); any other state Entered and Exited (2).
   */
  function events(state: any): number {
    if (state.Type === 'Task') {
      const attempts = 1 + (state.Retry ?? []).reduce((n: number, r: any) => n + (r.MaxAttempts ?? 3), 0);
      return 2 + 3 * attempts;
    }
    if (state.Type === 'Fail') return 1;
    if (state.Type === 'Map') return 4;
    return 2;
  }
  const HISTORY_LIMIT = 25_000;
  // The largest run the estimate covers: five waves' 200,000 selected participants, each
  // owed an incentive in the same period: 1,000,000 instructions. A staging page (200
  // incentives) spread over eight partners makes batches of 25 and more (MAX_BATCH 40).
  const LARGEST_RUN = 1_000_000;
  const SMALLEST_BATCH = 25;

  it('a disbursement stays under the history limit with the progress loop at its bound', () => {
    const { States: s } = workflows.payout.definition((t) => t) as { States: Record<string, any> };
    // The bound read from the definition: the loop's Choice ends it at the look count.
    const bound = s.Settled.Choices.find((c: any) => c.Variable === '$.progress.looks');
    expect(bound).toMatchObject({ NumericGreaterThanEquals: MAX_PROGRESS_LOOKS, Next: 'Stalled' });
    expect(s.Progress.Parameters['looks.$']).toBe('$.progress.looks');
    expect(s.StartLooking.Result.looks).toBe(0);
    const cost = (...names: string[]) => names.reduce((n, name) => n + events(s[name]), 0);
    expect(MAX_BATCH).toBeGreaterThanOrEqual(SMALLEST_BATCH);
    const enqueueCalls = Math.ceil(LARGEST_RUN / SMALLEST_BATCH / BATCHES_PER_CALL);
    const perLook = cost('WaitForDispatchers', 'Progress', 'Settled');
    expect(perLook).toBe(21);
    const worst =
      2 +
      cost('Phase') +
      enqueueCalls * cost('EnqueuePage', 'EnqueueMore') +
      cost('StartLooking') +
      bound.NumericGreaterThanEquals * perLook +
      Math.max(
        cost('FinishRun', 'RecordFailure', 'PayoutFailed'),
        cost('Stalled', 'RecordFailure', 'PayoutFailed'),
      );
    // 2 + 2 + 80 enqueue calls x 19 + 2 + 720 looks x 21 + 35 (FinishRun failing into RecordFailure).
    expect(worst).toBe(16_681);
    expect(worst).toBeLessThan(HISTORY_LIMIT);
    // Room left for the unforeseen: a tenth of the limit at least.
    expect(worst).toBeLessThan(0.9 * HISTORY_LIMIT);
  });

  it('a staging of the largest run stays under the history limit', () => {
    const { States: s } = workflows.payout.definition((t) => t) as { States: Record<string, any> };
    const inner = s.Stage.ItemProcessor.States;
    // The count reads every shard in each call, 50 pages of each: at worst (every due
    // incentive in one shard) 100 calls.
    const calls = DUE_SHARDS + Math.ceil(LARGEST_RUN / (200 * 10));
    const countCalls = 1 + Math.ceil(LARGEST_RUN / (200 * 50));
    const worst =
      2 +
      events(s.Phase) +
      countCalls * (events(s.CountDue) + events(s.CountMore)) +
      events(s.CheckBudget) +
      events(s.WithinBudget) +
      events(s.Stage) +
      DUE_SHARDS * (2 + events(inner.StagePageDone)) +
      calls * (events(inner.StagePage) + events(inner.StagePageMore)) +
      events(s.FinishStaging) +
      events(s.RecordFailure) +
      events(s.PayoutFailed);
    expect(worst).toBeLessThan(HISTORY_LIMIT);
    // Every shard stages at once: each claims on its own counter.
    expect(s.Stage.MaxConcurrency).toBe(DUE_SHARDS);
    expect(s.CountDue.Parameters['pagesPerCall.$']).toBe('$.countPagesPerCall');
  });

  it('a hand-back of the largest run, after its longest wait for the close, stays under the history limit', () => {
    const { States: s } = workflows.payout.definition((t) => t) as { States: Record<string, any> };
    // Waiting: HAND_BACK_WAITS looks, each a call, a choice, a wait and a pass; then the
    // calls of HAND_BACK_PER_CALL instructions each, and the failure path at the end.
    const look =
      events(s.HandBackPage) + events(s.HandBackMore) + events(s.WaitForClose) + events(s.NextHandBack);
    const calls = Math.ceil(LARGEST_RUN / HAND_BACK_PER_CALL);
    const worst =
      2 +
      events(s.Phase) +
      HAND_BACK_WAITS * look +
      calls * (events(s.HandBackPage) + events(s.HandBackMore) + events(s.NextHandBack)) +
      events(s.RecordFailure) +
      events(s.PayoutFailed);
    expect(worst).toBeLessThan(0.9 * HISTORY_LIMIT);
    // The reconciliation: a Map over the partners, one task each, then the sum.
    expect(s.Reconcile.ItemProcessor.States.ReconcilePartner.Retry).toBeDefined();
    expect(s.Reconcile.Catch[0].Next).toBe('RecordFailure');
    expect(s.SumReconciliation.Catch[0].Next).toBe('RecordFailure');
  });

  it('the loop outlasts a dead batch and the execution outlasts the loop', () => {
    const { deadLetter } = retryHorizonSeconds(240, 3600, 10);
    // 720 looks a minute apart: 12 h, past the 7 h a batch takes to reach the DLQ.
    expect(MAX_PROGRESS_LOOKS * MAX_POLL_SECONDS).toBeGreaterThan(deadLetter + 3600);
    const { TimeoutSeconds } = workflows.payout.definition((t) => t);
    // Each look: the wait plus up to 60 s resolving dead batches, and a few seconds of reads.
    expect(TimeoutSeconds).toBeGreaterThan(MAX_PROGRESS_LOOKS * (MAX_POLL_SECONDS + 65));
  });
});

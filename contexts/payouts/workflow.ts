// The payout run workflow, declared once (CDK and the local stack read it, like the
// selection). One state machine, two phases, each its own execution:
//   phase "stage"    (POST /v1/admin/payout-runs):  CountDue (what is payable: every
//                    shard of the due index at once in each call, loop) -> CheckBudget
//                    (over the budget: REJECTED `over-budget`, audited, and the phase
//                    ends; within it: each shard's share of the budget on its own
//                    counter) -> Stage (Map over the shards in parallel, page loop, each
//                    claiming on its counter) -> FinishStaging (AWAITING_APPROVAL)
//   phase "disburse" (the approval):  Enqueue (page loop: a batch = one queue message)
//                    -> Wait/Progress loop until no instruction is pending -> FinishRun
//                    (a batch whose message went to the DLQ is resolved with the partner and
//                    handed back by Progress; COMPLETED_WITH_FAILURES then)
//   phase "reconcile" (POST .../reconciliation of a run too large for the request):
//                    Reconcile (Map over the run's partners, ReconcilePartner each: our
//                    instructions and its reports) -> SumReconciliation (the run's
//                    `reconciliation` field, audited)
//   phase "handback" (a rejection or cancellation too large for the request): HandBackPage
//                    (waits for the close to commit, then hands back a bounded number of
//                    instructions a call) loop -> HandedBack
//   any failure, and a loop that reached its bound -> RecordFailure -> PayoutFailed
// The dispatchers work the queues meanwhile. Transitions are the cost on AWS: each call
// stages or enqueues many pages and the progress loop waits between looks, so a run
// costs a few hundred transitions whatever its size beyond that.

/** One shard's count so far (the state of the CountDue loop). */
export interface ShardCount {
  shard: number;
  cursor: Record<string, unknown> | null;
  done: boolean;
  count: number;
  amountIdr: number;
}

export const payoutTasks = {
  CountDue: 'payouts/count-due',
  CheckBudget: 'payouts/check-budget',
  StagePage: 'payouts/stage-page',
  FinishStaging: 'payouts/finish-staging',
  EnqueuePage: 'payouts/enqueue-page',
  Progress: 'payouts/progress',
  FinishRun: 'payouts/finish-run',
  RecordFailure: 'payouts/record-failure',
  ReconcilePartner: 'payouts/reconcile-partner',
  SumReconciliation: 'payouts/sum-reconciliation',
  HandBackPage: 'payouts/hand-back-page',
} as const;

export type PayoutTask = keyof typeof payoutTasks;

/** The longest wait between two looks at a disbursing run (the approval clamps the
 *  configured poll to it): with MAX_PROGRESS_LOOKS it sets how long the loop can last. */
export const MAX_POLL_SECONDS = 60;

/**
 * The progress loop's bound: 720 looks a minute apart are 12 hours, beyond a dead
 * batch's 7 hours to the DLQ (platform/queues.ts: retryHorizonSeconds) and the hours a
 * large run's queues take to drain. Each look is at most 21 history events (Wait 2,
 * Progress 5 plus 3 per retry, 4 retries, Choice 2): 15,120, well under Step Functions'
 * 25,000 events per execution with the enqueue loop beside it (test/unit/workflows.test.ts
 * computes the worst case). A run still pending at the bound is recorded failed
 * (DisbursementStalled) for an operator.
 */
export const MAX_PROGRESS_LOOKS = 720;

/**
 * The execution's own limit (the CDK's `timeout` is dropped for a string definition):
 * 36 hours. The disbursement's legitimate worst is about 25 hours: the enqueue loop, then
 * 720 looks each of a wait of up to 60 s plus a look that may spend 60 s resolving dead
 * batches (contexts/payouts/dead-letter.ts). Staging, the other phase, takes minutes. The
 * loop's bound ends a stalled run first, through RecordFailure; the timeout only catches a
 * task that hangs past its own limits, and Step Functions then reports TimedOut (alarmed).
 */
export const PAYOUT_TIMEOUT_SECONDS = 36 * 3600;

/** Every shard of the due index at once (contexts/items.ts DUE_SHARDS): each claims on
 *  its own counter, so nothing queues on one item. */
export const MAX_PARALLEL_STAGING = 16;

export interface PayoutStageInput {
  phase: 'stage';
  runId: string;
  /** The budget check's state: each shard's count so far (contexts/payouts/handlers/count-due.ts). */
  count: { shards: ShardCount[]; done: boolean };
  pageSize: number;
  pagesPerCall: number;
  /** Pages of each shard a count call reads: it only reads, so more per call. */
  countPagesPerCall: number;
}

export interface PayoutDisburseInput {
  phase: 'disburse';
  runId: string;
  /** Seconds between looks at the run's progress (1 to MAX_POLL_SECONDS). */
  pollSeconds: number;
  enqueue: { cursor: Record<string, unknown> | null; done: boolean };
}

export interface PayoutReconcileInput {
  phase: 'reconcile';
  runId: string;
  /** The attempt's id (the run's `reconciliation.startedAt`). */
  startedAt: string;
  /** The days on our clock, for a partner that gave no time of its own (reconcile-run.ts). */
  ours: { from: string; to: string };
  partners: string[];
}

export interface PayoutHandBackInput {
  phase: 'handback';
  runId: string;
  /** The closing request's key digest: only the request that closed the run hands it back. */
  key: string;
  /** Looks at a run whose close had not committed yet (bounded: HAND_BACK_WAITS). */
  looks: number;
}

/** The looks, HAND_BACK_WAIT_SECONDS apart, a hand-back waits for the close that started it
 *  (the request starts it before its move, so that a request that dies after the move still
 *  has its run handed back): 5 minutes, then the close is taken as refused. */
export const HAND_BACK_WAITS = 150;
export const HAND_BACK_WAIT_SECONDS = 2;
/** Instructions one HandBackPage call hands back (one transaction each, 8 in flight). */
export const HAND_BACK_PER_CALL = 2_000;
/** Partners reconciled at once (each task reads one partner's instructions and reports). */
export const MAX_PARALLEL_RECONCILE = 5;

const retryTransient = [
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4, JitterStrategy: 'FULL' },
];
const failTo = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }];

export function payoutDefinition(resource: (task: PayoutTask) => string) {
  // A Task state is named after its task: the local runner maps states to handlers by name.
  const task = (name: PayoutTask, rest: object) => ({
    Type: 'Task',
    Resource: resource(name),
    TimeoutSeconds: 900,
    Retry: retryTransient,
    ...rest,
  });
  return {
    Comment: 'A payout run: staging, or (after approval) disbursement through the partner queues',
    TimeoutSeconds: PAYOUT_TIMEOUT_SECONDS,
    StartAt: 'Phase',
    States: {
      Phase: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.phase', StringEquals: 'disburse', Next: 'EnqueuePage' },
          { Variable: '$.phase', StringEquals: 'reconcile', Next: 'Reconcile' },
          { Variable: '$.phase', StringEquals: 'handback', Next: 'HandBackPage' },
        ],
        Default: 'CountDue',
      },
      // One call counts every shard at once (a few pages each), looping until all are done:
      // a handful of transitions whatever the run's size.
      CountDue: task('CountDue', {
        Parameters: {
          'runId.$': '$.runId',
          'shards.$': '$.count.shards',
          'pageSize.$': '$.pageSize',
          'pagesPerCall.$': '$.countPagesPerCall',
        },
        ResultPath: '$.count',
        Catch: failTo,
        Next: 'CountMore',
      }),
      CountMore: {
        Type: 'Choice',
        Choices: [{ Variable: '$.count.done', BooleanEquals: false, Next: 'CountDue' }],
        Default: 'CheckBudget',
      },
      CheckBudget: task('CheckBudget', {
        Parameters: { 'runId.$': '$.runId', 'due.$': '$.count.shards' },
        ResultPath: '$.budget',
        Catch: failTo,
        Next: 'WithinBudget',
      }),
      WithinBudget: {
        Type: 'Choice',
        Choices: [{ Variable: '$.budget.stage', BooleanEquals: true, Next: 'Stage' }],
        Default: 'NotStaged',
      },
      // Rejected over the budget, or closed meanwhile: the run says which.
      NotStaged: { Type: 'Succeed' },
      Stage: {
        Type: 'Map',
        ItemsPath: '$.budget.shards',
        MaxConcurrency: MAX_PARALLEL_STAGING,
        ItemSelector: {
          'runId.$': '$.runId',
          'shard.$': '$$.Map.Item.Value.shard',
          'allotIdr.$': '$$.Map.Item.Value.allotIdr',
          'pageSize.$': '$.pageSize',
          'pagesPerCall.$': '$.pagesPerCall',
          cursor: null,
          done: false,
          staged: 0,
          budgetReached: false,
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'StagePage',
          States: {
            StagePage: task('StagePage', { Next: 'StagePageMore' }),
            StagePageMore: {
              Type: 'Choice',
              Choices: [{ Variable: '$.done', BooleanEquals: false, Next: 'StagePage' }],
              Default: 'StagePageDone',
            },
            StagePageDone: { Type: 'Succeed' },
          },
        },
        ResultPath: null,
        Catch: failTo,
        Next: 'FinishStaging',
      },
      FinishStaging: task('FinishStaging', {
        Parameters: { 'runId.$': '$.runId' },
        Catch: failTo,
        End: true,
      }),
      EnqueuePage: task('EnqueuePage', {
        Parameters: { 'runId.$': '$.runId', 'cursor.$': '$.enqueue.cursor' },
        ResultPath: '$.enqueue',
        Catch: failTo,
        Next: 'EnqueueMore',
      }),
      EnqueueMore: {
        Type: 'Choice',
        Choices: [{ Variable: '$.enqueue.done', BooleanEquals: false, Next: 'EnqueuePage' }],
        Default: 'StartLooking',
      },
      StartLooking: {
        Type: 'Pass',
        Result: { done: false, looks: 0 },
        ResultPath: '$.progress',
        Next: 'WaitForDispatchers',
      },
      WaitForDispatchers: { Type: 'Wait', SecondsPath: '$.pollSeconds', Next: 'Progress' },
      // Counts the looks (the local interpreter ignores Assign: the count rides in the state).
      Progress: task('Progress', {
        Parameters: { 'runId.$': '$.runId', 'looks.$': '$.progress.looks' },
        ResultPath: '$.progress',
        Catch: failTo,
        Next: 'Settled',
      }),
      Settled: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.progress.done', BooleanEquals: true, Next: 'FinishRun' },
          { Variable: '$.progress.looks', NumericGreaterThanEquals: MAX_PROGRESS_LOOKS, Next: 'Stalled' },
        ],
        Default: 'WaitForDispatchers',
      },
      // Instructions still pending and not known dead (in flight, or a partner that cannot
      // be asked about them): nothing is handed back unresolved; an operator looks.
      Stalled: {
        Type: 'Pass',
        Result: {
          Error: 'DisbursementStalled',
          Cause: `Instructions still pending after ${MAX_PROGRESS_LOOKS} looks; see the run's batches and the payout DLQs.`,
        },
        ResultPath: '$.error',
        Next: 'RecordFailure',
      },
      FinishRun: task('FinishRun', { Parameters: { 'runId.$': '$.runId' }, Catch: failTo, End: true }),
      // One partner a task, a few at once; each answers its counts (four integers), which
      // the last step adds up: the state stays small whatever the run's size.
      Reconcile: {
        Type: 'Map',
        ItemsPath: '$.partners',
        MaxConcurrency: MAX_PARALLEL_RECONCILE,
        ItemSelector: {
          'runId.$': '$.runId',
          'ours.$': '$.ours',
          'partnerCode.$': '$$.Map.Item.Value',
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'ReconcilePartner',
          States: { ReconcilePartner: task('ReconcilePartner', { End: true }) },
        },
        ResultPath: '$.parts',
        Catch: failTo,
        Next: 'SumReconciliation',
      },
      SumReconciliation: task('SumReconciliation', {
        Parameters: { 'runId.$': '$.runId', 'startedAt.$': '$.startedAt', 'parts.$': '$.parts' },
        Catch: failTo,
        End: true,
      }),
      HandBackPage: task('HandBackPage', {
        Parameters: { 'runId.$': '$.runId', 'key.$': '$.key', 'looks.$': '$.looks' },
        ResultPath: '$.handBack',
        Catch: failTo,
        Next: 'HandBackMore',
      }),
      HandBackMore: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.handBack.done', BooleanEquals: true, Next: 'HandedBack' },
          { Variable: '$.handBack.waiting', BooleanEquals: true, Next: 'WaitForClose' },
        ],
        Default: 'NextHandBack',
      },
      // The close had not committed: look again (the count rides in the state).
      WaitForClose: { Type: 'Wait', Seconds: HAND_BACK_WAIT_SECONDS, Next: 'NextHandBack' },
      NextHandBack: {
        Type: 'Pass',
        Parameters: {
          'runId.$': '$.runId',
          'key.$': '$.key',
          'looks.$': '$.handBack.looks',
          phase: 'handback',
        },
        Next: 'HandBackPage',
      },
      HandedBack: { Type: 'Succeed' },
      RecordFailure: task('RecordFailure', {
        Parameters: { 'runId.$': '$.runId', 'phase.$': '$.phase', 'error.$': '$.error' },
        Next: 'PayoutFailed',
      }),
      PayoutFailed: { Type: 'Fail', Error: 'PayoutFailed', Cause: 'A payout step failed; see the run.' },
    },
  };
}

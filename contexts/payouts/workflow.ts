// The payout run workflow, declared once (CDK and the local stack read it, like the
// selection). One state machine, two phases, each its own execution:
//   phase "stage"    (POST /v1/admin/payout-runs):  Stage (Map over due-index shards, page
//                    loop) -> FinishStaging (AWAITING_APPROVAL with the totals)
//   phase "disburse" (the approval):  Enqueue (page loop: a batch = one queue message)
//                    -> Wait/Progress loop until no instruction is pending -> FinishRun
//                    (a batch whose message went to the DLQ is resolved with the partner and
//                    handed back by Progress; COMPLETED_WITH_FAILURES then)
//   any failure, and a loop that reached its bound -> RecordFailure -> PayoutFailed
// The dispatchers work the queues meanwhile. Transitions are the cost on AWS: each call
// stages or enqueues many pages and the progress loop waits between looks, so a run
// costs a few hundred transitions whatever its size beyond that.

export const payoutTasks = {
  StagePage: 'payouts/stage-page',
  FinishStaging: 'payouts/finish-staging',
  EnqueuePage: 'payouts/enqueue-page',
  Progress: 'payouts/progress',
  FinishRun: 'payouts/finish-run',
  RecordFailure: 'payouts/record-failure',
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

/** Staging segments claim concurrently on the run's budget counter: a few at a time. */
export const MAX_PARALLEL_STAGING = 4;

export interface PayoutStageInput {
  phase: 'stage';
  runId: string;
  shardList: number[];
  pageSize: number;
  pagesPerCall: number;
}

export interface PayoutDisburseInput {
  phase: 'disburse';
  runId: string;
  /** Seconds between looks at the run's progress (1 to MAX_POLL_SECONDS). */
  pollSeconds: number;
  enqueue: { cursor: Record<string, unknown> | null; done: boolean };
}

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
        Choices: [{ Variable: '$.phase', StringEquals: 'disburse', Next: 'EnqueuePage' }],
        Default: 'Stage',
      },
      Stage: {
        Type: 'Map',
        ItemsPath: '$.shardList',
        MaxConcurrency: MAX_PARALLEL_STAGING,
        ItemSelector: {
          'runId.$': '$.runId',
          'shard.$': '$$.Map.Item.Value',
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
      RecordFailure: task('RecordFailure', {
        Parameters: { 'runId.$': '$.runId', 'error.$': '$.error' },
        Next: 'PayoutFailed',
      }),
      PayoutFailed: { Type: 'Fail', Error: 'PayoutFailed', Cause: 'A payout step failed; see the run.' },
    },
  };
}

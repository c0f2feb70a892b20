// The payout run workflow, declared once (CDK and the local stack read it, like the
// selection). One state machine, two phases, each its own execution:
//   phase "stage"    (POST /v1/admin/payout-runs):  Stage (Map over due-index shards, page
//                    loop) -> FinishStaging (AWAITING_APPROVAL with the totals)
//   phase "disburse" (the approval):  Enqueue (page loop: a batch = one queue message)
//                    -> Wait/Progress loop until no instruction is pending -> FinishRun
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
  /** Seconds between looks at the run's progress. */
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
        Default: 'WaitForDispatchers',
      },
      WaitForDispatchers: { Type: 'Wait', SecondsPath: '$.pollSeconds', Next: 'Progress' },
      Progress: task('Progress', {
        Parameters: { 'runId.$': '$.runId' },
        ResultPath: '$.progress',
        Catch: failTo,
        Next: 'Settled',
      }),
      Settled: {
        Type: 'Choice',
        Choices: [{ Variable: '$.progress.done', BooleanEquals: true, Next: 'FinishRun' }],
        Default: 'WaitForDispatchers',
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

// The selection workflow, declared once: the CDK app deploys it as a Step Functions
// state machine and the local stack runs it with aws-local-stepfunctions. JSONPath
// and inline Maps only: the newer ASL features are silently ignored by the local
// interpreter, and scripts/check-workflows.ts (run by the unit tests) rejects them.
//
//   Screen (Map over segments, page loop) -> Cut -> Announce (same) -> Finish
//   any failure -> RecordFailure -> SelectionFailed

/** Task state name -> handler module (platform/handlers.ts). */
export const selectionTasks = {
  ScreenPage: 'selection/screen-page',
  Cut: 'selection/cut',
  AnnouncePage: 'selection/announce-page',
  Finish: 'selection/finish',
  RecordFailure: 'selection/record-failure',
} as const;

export type SelectionTask = keyof typeof selectionTasks;

/** Inline Map's concurrency ceiling on AWS: more segments queue, they do not fail. */
export const MAX_PARALLEL_SEGMENTS = 40;

export interface SelectionInput {
  waveId: string;
  seed: string;
  /** The selection's attempt (1, then 2 for a resumed run...): names the run's page items. */
  run: number;
  segments: number;
  /** [0, 1, ..., segments - 1]: what the Maps iterate over. */
  segmentList: number[];
  pageSize: number;
  pagesPerCall: number;
}

const retryTransient = [
  {
    ErrorEquals: ['States.ALL'],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 4,
    JitterStrategy: 'FULL',
  },
];

const failTo = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }];

/** A Map over the segments whose item runs `page` until the segment is done. */
function segmentLoop(page: SelectionTask, resource: (task: SelectionTask) => string, extra: object = {}) {
  const more = `${page}More`;
  return {
    Type: 'Map',
    ItemsPath: '$.segmentList',
    MaxConcurrency: MAX_PARALLEL_SEGMENTS,
    ItemSelector: {
      'waveId.$': '$.waveId',
      'seed.$': '$.seed',
      'run.$': '$.run',
      'segments.$': '$.segments',
      'pageSize.$': '$.pageSize',
      'pagesPerCall.$': '$.pagesPerCall',
      'segment.$': '$$.Map.Item.Value',
      cursor: { slice: 0 },
      done: false,
      counts: {},
      ...extra,
    },
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: page,
      States: {
        [page]: {
          Type: 'Task',
          Resource: resource(page),
          TimeoutSeconds: 900,
          Retry: retryTransient,
          Next: more,
        },
        [more]: {
          Type: 'Choice',
          Choices: [{ Variable: '$.done', BooleanEquals: false, Next: page }],
          Default: `${page}Done`,
        },
        [`${page}Done`]: { Type: 'Succeed' },
      },
    },
    Catch: failTo,
  };
}

/**
 * The execution's own limit (the CDK's `timeout` is dropped for a string definition):
 * 6 hours. A selection reads each applicant twice in 40 parallel segments: the
 * benchmark's wave takes under a minute locally, and a wave of millions is minutes to an
 * hour on AWS; a selection still running after 6 hours is stuck, and Step Functions ends
 * it (TimedOut, alarmed) rather than leaving it RUNNING for a year.
 */
export const SELECTION_TIMEOUT_SECONDS = 6 * 3600;

/** The definition, with each task's Resource from `resource` (a Lambda ARN on AWS). */
export function selectionDefinition(resource: (task: SelectionTask) => string) {
  return {
    Comment: "A wave's selection: screening, family-card cap, reserved quota, seeded draw, announcement",
    TimeoutSeconds: SELECTION_TIMEOUT_SECONDS,
    StartAt: 'Screen',
    States: {
      // Each segment's counts and histogram go to its summary item; the Map keeps no output.
      Screen: { ...segmentLoop('ScreenPage', resource), ResultPath: null, Next: 'Cut' },
      Cut: {
        Type: 'Task',
        Resource: resource('Cut'),
        Parameters: {
          'waveId.$': '$.waveId',
          'seed.$': '$.seed',
          'run.$': '$.run',
          'segments.$': '$.segments',
        },
        ResultPath: '$.draw',
        Retry: retryTransient,
        Catch: failTo,
        Next: 'Announce',
      },
      Announce: {
        ...segmentLoop('AnnouncePage', resource, { 'cutoffs.$': '$.draw.cutoffs' }),
        ResultPath: '$.announced',
        Next: 'Finish',
      },
      Finish: {
        Type: 'Task',
        Resource: resource('Finish'),
        Parameters: { 'waveId.$': '$.waveId', 'draw.$': '$.draw', 'announced.$': '$.announced' },
        Retry: retryTransient,
        Catch: failTo,
        End: true,
      },
      RecordFailure: {
        Type: 'Task',
        Resource: resource('RecordFailure'),
        Parameters: { 'waveId.$': '$.waveId', 'error.$': '$.error' },
        Retry: retryTransient,
        Next: 'SelectionFailed',
      },
      SelectionFailed: {
        Type: 'Fail',
        Error: 'SelectionFailed',
        Cause: 'A selection step failed; see the selection record.',
      },
    },
  };
}

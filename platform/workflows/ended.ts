// An execution that ends outside its own failure path (it reached its TimeoutSeconds, or an
// operator stopped it) runs no Catch. Step Functions announces it on EventBridge ("Step
// Functions Execution Status Change"); a rule per workflow (cdk/constructs/workflows.ts)
// sends that event to the workflow's failure-recording task, and the local stand-in
// (local/workflows.ts) calls the same task with the same event, so every failure is recorded.

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The statuses no Catch sees (a FAILED execution went through its failure path). */
export const ENDED_WITHOUT_CATCH = ['TIMED_OUT', 'ABORTED'] as const;
export type EndedWithoutCatch = (typeof ENDED_WITHOUT_CATCH)[number];

export interface ExecutionStatusEvent {
  source: 'aws.states';
  'detail-type': typeof EXECUTION_STATUS_CHANGE;
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    /** The execution's input, as a JSON string. */
    input: string | null;
    error?: string | null;
    cause?: string | null;
  };
}

export function isExecutionStatusEvent(value: unknown): value is ExecutionStatusEvent {
  const event = value as Partial<ExecutionStatusEvent> | null;
  return event?.source === 'aws.states' && event['detail-type'] === EXECUTION_STATUS_CHANGE;
}

/** What the failure task takes: the execution's own input and an error, as a Catch gives. */
export function failureInput(event: ExecutionStatusEvent): Record<string, unknown> & {
  error: { Error: string; Cause: string };
} {
  const { detail } = event;
  const input = JSON.parse(detail.input ?? '{}') as Record<string, unknown>;
  const error = detail.error ?? (detail.status === 'TIMED_OUT' ? 'States.Timeout' : 'States.Aborted');
  const cause = detail.cause ?? `execution ${detail.name} ended ${detail.status}`;
  return { ...input, error: { Error: error, Cause: cause } };
}

/** A failure task that also takes the status event of an execution that ended without it. */
export function recordsEndedExecutions<I, O>(task: (input: I) => Promise<O>) {
  return (input: I | ExecutionStatusEvent): Promise<O> =>
    task(isExecutionStatusEvent(input) ? (failureInput(input) as I) : (input as I));
}

/** The event Step Functions sends when an execution ends `status` (built locally). */
export function executionStatusEvent(
  execution: { executionArn: string; stateMachineArn: string; name: string; input: string },
  status: EndedWithoutCatch,
): ExecutionStatusEvent {
  return {
    source: 'aws.states',
    'detail-type': EXECUTION_STATUS_CHANGE,
    detail: { ...execution, status, error: null, cause: null },
  };
}

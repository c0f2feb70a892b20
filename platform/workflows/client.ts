import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '#platform/config.ts';
import { requireUse, type Uses } from '#platform/uses.ts';

/** The declared access to the workflow an ARN (state machine or execution) names. */
function workflowAccess(uses: Uses, arn: string) {
  const name = /:(?:stateMachine|execution):([^:]+)/.exec(arn)?.[1];
  return Object.entries(uses.workflows ?? {}).find(([workflow]) =>
    name?.toLowerCase().includes(workflow),
  )?.[1];
}

// Starting and reading workflow executions: Step Functions on AWS, the local
// emulator (local/workflows.ts) on one machine; the same client either way.
let client: SFNClient | undefined;

function sfn(): SFNClient {
  client ??= new SFNClient({
    region: config.region,
    ...(config.sfnEndpoint
      ? { endpoint: config.sfnEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return client;
}

/** Starts an execution; the same name and input again is not a second execution. */
export async function startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string> {
  requireUse('states:StartExecution', (uses) => workflowAccess(uses, stateMachineArn) === 'start');
  const out = await sfn().send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  return out.executionArn!;
}

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export async function executionStatus(executionArn: string): Promise<ExecutionStatus> {
  requireUse('states:DescribeExecution', (uses) => !!workflowAccess(uses, executionArn));
  const out = await sfn().send(new DescribeExecutionCommand({ executionArn }));
  return out.status as ExecutionStatus;
}

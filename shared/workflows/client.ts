import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '#shared/config.ts';

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
  const out = await sfn().send(new DescribeExecutionCommand({ executionArn }));
  return out.status as ExecutionStatus;
}

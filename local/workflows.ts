import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { type WorkflowName, workflows } from '#contexts/workflows.ts';
import { createLocalServer } from '#local/http-server.ts';
import { handlerFile } from '#platform/handlers.ts';
import { runWithUses } from '#platform/uses.ts';
import { type EndedWithoutCatch, executionStatusEvent } from '#platform/workflows/ended.ts';

// The local stand-in for Step Functions: the same definitions, run by
// aws-local-stepfunctions with each Task state mapped to its handler module, behind a
// small endpoint that speaks the Step Functions API (StartExecution, DescribeExecution,
// StopExecution) so handlers use the real @aws-sdk/client-sfn with only an endpoint changed.
// As on AWS, an execution ends TIMED_OUT at its definition's TimeoutSeconds, and one that
// ends TIMED_OUT or ABORTED is handed to the workflow's failure task with the status event
// EventBridge would deliver (platform/workflows/ended.ts).

const REGION = 'ap-southeast-3';
const ACCOUNT = '000000000000';
export const localStateMachineArn = (name: WorkflowName) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
const localFunctionArn = (handler: string) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:prakerja-${handler.replace('/', '-')}`;

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | EndedWithoutCatch;
  /** Ends the run as `status` (its TimeoutSeconds, or StopExecution). */
  end?: (status: EndedWithoutCatch) => void;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered (Step Functions bills each transition): what the benchmarks read. */
  stateTransitions: number;
}

type Handler = (input: unknown) => Promise<unknown>;

export function localDefinition(name: WorkflowName) {
  const workflow = workflows[name];
  return workflow.definition((task) => localFunctionArn(workflow.tasks[task]!));
}

export async function startWorkflows(functionsDir: URL, options: { retryIntervalMs?: number } = {}) {
  const executions = new Map<string, Execution>();
  const machines = Object.keys(workflows).map((name) => {
    const workflow = workflows[name as WorkflowName];
    const handlers: Record<string, Handler> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [state, module] of Object.entries(workflow.tasks)) {
      handlers[state] = async (input) => {
        const loaded = (await import(new URL(handlerFile(module), functionsDir).href)) as {
          handler: Handler;
        };
        return runWithUses(workflow.uses, () => loaded.handler(input), module);
      };
      retryIntervalOverrides[state] = options.retryIntervalMs ?? 50;
    }
    const definition = localDefinition(name as WorkflowName);
    const machine = new StateMachine(definition as never);
    return {
      arn: localStateMachineArn(name as WorkflowName),
      machine,
      handlers,
      retryIntervalOverrides,
      timeoutSeconds: definition.TimeoutSeconds,
      recordFailure: handlers[workflow.failureTask]!,
    };
  });

  const start = (body: { stateMachineArn: string; name?: string; input?: string }) => {
    const found = machines.find((m) => m.arn === body.stateMachineArn);
    if (!found)
      return { status: 400, body: { __type: 'StateMachineDoesNotExist', message: body.stateMachineArn } };
    const name = body.name ?? randomUUID();
    const executionArn = `${found.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // StartExecution is idempotent for the same name and input, as on AWS.
      if (existing.input === (body.input ?? '{}'))
        return { status: 200, body: { executionArn, startDate: existing.startDate / 1000 } };
      return { status: 400, body: { __type: 'ExecutionAlreadyExists', message: executionArn } };
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn: found.arn,
      name,
      status: 'RUNNING',
      startDate: Date.now(),
      input: body.input ?? '{}',
      stateTransitions: 0,
    };
    executions.set(executionArn, execution);
    const run = found.machine.run(JSON.parse(execution.input), {
      overrides: {
        taskResourceLocalHandlers: found.handlers as never,
        retryIntervalOverrides: found.retryIntervalOverrides,
      },
    });
    void (async () => {
      for await (const event of run.eventLogs)
        if (event.type === 'StateEntered') execution.stateTransitions++;
    })().catch(() => {});
    const timer = setTimeout(() => execution.end?.('TIMED_OUT'), found.timeoutSeconds * 1000);
    timer.unref();
    execution.end = (status) => {
      if (execution.status !== 'RUNNING') return;
      Object.assign(execution, { status, stopDate: Date.now() });
      run.abort();
      console.error(`workflow ${name} ${status}`);
      found.recordFailure(executionStatusEvent(execution, status)).catch((error: Error) => {
        console.error(`workflow ${name}: recording its end failed: ${error.message}`);
      });
    };
    run.result.then(
      (output) => {
        clearTimeout(timer);
        if (execution.status !== 'RUNNING') return;
        Object.assign(execution, {
          status: 'SUCCEEDED',
          stopDate: Date.now(),
          output: JSON.stringify(output),
        });
      },
      (error: Error & { cause?: { name?: string; message?: string } }) => {
        clearTimeout(timer);
        if (execution.status !== 'RUNNING') return; // timed out or stopped: recorded above
        Object.assign(execution, {
          status: 'FAILED',
          stopDate: Date.now(),
          error: error.cause?.name ?? error.name,
          cause: error.cause?.message ?? error.message,
        });
        console.error(`workflow ${name} failed: ${error.message}`);
      },
    );
    return { status: 200, body: { executionArn, startDate: execution.startDate / 1000 } };
  };

  const stop = (body: { executionArn: string }) => {
    const e = executions.get(body.executionArn);
    if (!e) return { status: 400, body: { __type: 'ExecutionDoesNotExist', message: body.executionArn } };
    e.end?.('ABORTED');
    return { status: 200, body: { stopDate: (e.stopDate ?? Date.now()) / 1000 } };
  };

  const describe = (body: { executionArn: string }) => {
    const e = executions.get(body.executionArn);
    if (!e) return { status: 400, body: { __type: 'ExecutionDoesNotExist', message: body.executionArn } };
    return {
      status: 200,
      body: {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate / 1000,
        ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
        input: e.input,
        ...(e.output ? { output: e.output } : {}),
        ...(e.error ? { error: e.error, cause: e.cause } : {}),
        // Not in the AWS API (the SDK ignores it): the local count of transitions.
        stateTransitions: e.stateTransitions,
      },
    };
  };

  const server: Server = createLocalServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const action = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    let answer: { status: number; body: unknown };
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (action === 'StartExecution') answer = start(body);
      else if (action === 'DescribeExecution') answer = describe(body);
      else if (action === 'StopExecution') answer = stop(body);
      else answer = { status: 400, body: { __type: 'UnknownOperationException', message: action } };
    } catch (error) {
      answer = { status: 400, body: { __type: 'ValidationException', message: String(error) } };
    }
    res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Resolves when no execution is running (used on shutdown). */
    running: () => [...executions.values()].filter((e) => e.status === 'RUNNING').length,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type AppResources, appFunction, functionId } from '#cdk/constructs/function.ts';
import { type WorkflowName, workflows } from '#contexts/workflows.ts';
import { ENDED_WITHOUT_CATCH, EXECUTION_STATUS_CHANGE } from '#platform/workflows/ended.ts';

export interface WorkflowsProps {
  resources: AppResources;
}

/**
 * Every workflow of shared/workflows as a Step Functions state machine: the definition
 * object the local stack interprets, with each Task's Resource substituted by the ARN
 * of a Lambda built from its handler module.
 */
export class Workflows extends Construct {
  readonly machines = new Map<WorkflowName, StateMachine>();
  readonly functions: NodejsFunction[] = [];

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const [name, workflow] of Object.entries(workflows) as [
      WorkflowName,
      (typeof workflows)[WorkflowName],
    ][]) {
      const arns: Record<string, string> = {};
      const taskFunctions: NodejsFunction[] = [];
      for (const [state, handler] of Object.entries(workflow.tasks)) {
        const fn = appFunction(this, functionId(handler), {
          handler,
          // A page task works through up to pagesPerCall pages; Step Functions waits 900 s.
          timeout: Duration.minutes(15),
          memorySize: 1024,
          uses: workflow.uses,
          resources: props.resources,
          // A workflow's tasks run with its one declaration: one role for them all.
          shareRole: true,
        });
        arns[state] = fn.functionArn;
        taskFunctions.push(fn);
      }
      const definition = workflow.definition((task) => `\${${task}}`);
      const machine = new StateMachine(this, `${functionId(name)}StateMachine`, {
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(JSON.stringify(definition)),
        definitionSubstitutions: arns,
        tracingEnabled: true,
        logs: {
          destination: new LogGroup(this, `${functionId(name)}Logs`, { retention: RetentionDays.SIX_MONTHS }),
          // Every event, without state data: inputs and outputs carry account ids and counts.
          level: LogLevel.ALL,
          includeExecutionData: false,
        },
      });
      // An execution that times out or is stopped runs no Catch: Step Functions' status
      // event takes it to the failure task all the same (platform/workflows/ended.ts).
      new Rule(this, `${functionId(name)}Ended`, {
        description: `A ${name} execution that ended without its failure path is recorded`,
        eventPattern: {
          source: ['aws.states'],
          detailType: [EXECUTION_STATUS_CHANGE],
          detail: { stateMachineArn: [machine.stateMachineArn], status: [...ENDED_WITHOUT_CATCH] },
        },
        targets: [
          new LambdaFunction(taskFunctions[Object.keys(workflow.tasks).indexOf(workflow.failureTask)]!, {
            retryAttempts: 8,
          }),
        ],
      });
      for (const fn of taskFunctions) {
        fn.grantInvoke(machine);
        Validations.of(machine).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
          reason:
            "Invoking a task function's versions (Function.grantInvoke adds `:*`); the function is this workflow's own.",
        });
      }
      this.machines.set(name, machine);
      this.functions.push(...taskFunctions);
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray and CloudWatch Logs delivery actions of Step Functions, and X-Ray of the task ' +
        'functions, have no resource-level permissions.',
    });
  }
}

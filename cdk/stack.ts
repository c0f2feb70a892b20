import { App, type CfnElement, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Api } from '#cdk/constructs/api.ts';
import { Data } from '#cdk/constructs/data.ts';
import { Firewall } from '#cdk/constructs/firewall.ts';
import { Keys } from '#cdk/constructs/keys.ts';
import { Notifications } from '#cdk/constructs/notifications.ts';
import { Observability } from '#cdk/constructs/observability.ts';
import { Schedules } from '#cdk/constructs/schedules.ts';
import { Workflows } from '#cdk/constructs/workflows.ts';
import { deployedRoutes } from '#shared/contracts/routes.ts';

export interface PrakerjaStackProps extends StackProps {
  emailDomain: string;
}

export class PrakerjaStack extends Stack {
  readonly api: Api;
  readonly workflows: Workflows;

  constructor(scope: Construct, id: string, props: PrakerjaStackProps) {
    super(scope, id, props);
    const keys = new Keys(this, 'Keys');
    const data = new Data(this, 'Data', { key: keys.key });
    this.api = new Api(this, 'Api', { routes: deployedRoutes, table: data.table, secret: keys.secret });
    new Firewall(this, 'Firewall', { stage: this.api.api.deploymentStage });
    this.workflows = new Workflows(this, 'Workflows', { table: data.table, secret: keys.secret });
    const selection = this.workflows.machines.get('selection')!;
    // Starting a selection, and reading a running one's status, go through Step Functions.
    for (const handler of ['selection/start-selection', 'selection/get-selection']) {
      const fn = this.api.functions.get(handler)!;
      fn.addEnvironment('SELECTION_STATE_MACHINE_ARN', selection.stateMachineArn);
      selection.grantRead(fn);
      if (handler === 'selection/start-selection') selection.grantStartExecution(fn);
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${this.region}:${this.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${this.getLogicalId(selection.node.defaultChild as CfnElement)}"}]}]}:*]`,
        reason: "Describing the selection state machine's own executions (StateMachine.grantRead).",
      });
    }
    const schedules = new Schedules(this, 'Schedules', { table: data.table, secret: keys.secret });
    const notifications = new Notifications(this, 'Notifications', {
      table: data.table,
      key: keys.key,
      emailDomain: props.emailDomain,
    });
    const observability = new Observability(this, 'Observability', {
      api: this.api.api,
      functions: [
        ...this.api.functions.values(),
        notifications.sender,
        ...this.workflows.functions,
        ...schedules.functions,
      ],
      table: data.table,
      deadLetters: [notifications.failed],
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
  }
}

/** The app as `cdk synth` builds it; tests build it the same way. */
export function buildApp(context: Record<string, unknown> = {}): { app: App; stack: PrakerjaStack } {
  const app = new App({ context });
  const read = (key: string) => {
    const value = app.node.tryGetContext(`prakerja:${key}`);
    if (typeof value !== 'string') throw new Error(`missing context prakerja:${key} (see cdk.json)`);
    return value;
  };
  // A fixed account and region: synth needs no credentials and makes no lookups.
  const stack = new PrakerjaStack(app, 'Prakerja', {
    env: { account: read('account'), region: read('region') },
    emailDomain: read('emailDomain'),
  });
  // cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

import { App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Api } from '#cdk/constructs/api.ts';
import { Data } from '#cdk/constructs/data.ts';
import { Firewall } from '#cdk/constructs/firewall.ts';
import { Keys } from '#cdk/constructs/keys.ts';
import { Notifications } from '#cdk/constructs/notifications.ts';
import { Observability } from '#cdk/constructs/observability.ts';
import { deployedRoutes } from '#shared/contracts/routes.ts';

export interface PrakerjaStackProps extends StackProps {
  emailDomain: string;
}

export class PrakerjaStack extends Stack {
  readonly api: Api;

  constructor(scope: Construct, id: string, props: PrakerjaStackProps) {
    super(scope, id, props);
    const keys = new Keys(this, 'Keys');
    const data = new Data(this, 'Data', { key: keys.key });
    this.api = new Api(this, 'Api', { routes: deployedRoutes, table: data.table, secret: keys.secret });
    new Firewall(this, 'Firewall', { stage: this.api.api.deploymentStage });
    const notifications = new Notifications(this, 'Notifications', {
      table: data.table,
      key: keys.key,
      emailDomain: props.emailDomain,
    });
    const observability = new Observability(this, 'Observability', {
      api: this.api.api,
      functions: [...this.api.functions.values(), notifications.sender],
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

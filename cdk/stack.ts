import { App, type CfnElement, CfnOutput, Lazy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Api } from '#cdk/constructs/api.ts';
import { Data } from '#cdk/constructs/data.ts';
import { Firewall } from '#cdk/constructs/firewall.ts';
import { Keys } from '#cdk/constructs/keys.ts';
import { Notifications } from '#cdk/constructs/notifications.ts';
import { Observability } from '#cdk/constructs/observability.ts';
import { PaymentPartners } from '#cdk/constructs/payment-partners.ts';
import { Queues } from '#cdk/constructs/queues.ts';
import { Schedules } from '#cdk/constructs/schedules.ts';
import { Web } from '#cdk/constructs/web.ts';
import { Workflows } from '#cdk/constructs/workflows.ts';
import { deployedRoutes } from '#shared/contracts/routes.ts';
import { queueConsumers } from '#shared/queues.ts';
import type { WorkflowName } from '#shared/workflows/registry.ts';

export interface PrakerjaStackProps extends StackProps {
  emailDomain: string;
  /** The web front end's origin, the only one the API's CORS allows: a custom domain in
   *  front of the distribution; by default the distribution's own `https://<domain>`. */
  webOrigin?: string;
  /** Base URL of each payment partner's disbursement API, by code. */
  paymentPartnerEndpoints: Record<string, string>;
}

export class PrakerjaStack extends Stack {
  readonly api: Api;
  readonly workflows: Workflows;
  readonly queues: Queues;
  readonly web: Web;

  constructor(scope: Construct, id: string, props: PrakerjaStackProps) {
    super(scope, id, props);
    const keys = new Keys(this, 'Keys');
    const data = new Data(this, 'Data', { key: keys.key });
    const payments = new PaymentPartners(this, 'PaymentPartners', {
      key: keys.key,
      endpoints: props.paymentPartnerEndpoints,
    });
    const core = {
      table: data.table,
      logs: new LogGroup(this, 'FunctionLogs', { retention: RetentionDays.ONE_MONTH }),
      secret: keys.secret,
      paymentSecret: payments.secret,
      paymentEndpoints: payments.endpoints,
      email: { domain: props.emailDomain, from: `Prakerja <no-reply@${props.emailDomain}>` },
    };
    // Queues first: workflow tasks and routes that send to them are granted them.
    this.queues = new Queues(this, 'Queues', { consumers: queueConsumers, resources: core, key: keys.key });
    const base = { ...core, queues: this.queues.queues };
    // Workflows next: routes that start or read them are granted their state machines.
    this.workflows = new Workflows(this, 'Workflows', { resources: base });
    const resources = { ...base, machines: this.workflows.machines };
    // No cycle: the distribution's CSP names the API's origin from the RestApi id only, while
    // the CORS origin (preflights, gateway responses, WEB_ORIGIN) names the distribution.
    const webOrigin = props.webOrigin ?? Lazy.string({ produce: () => this.web.origin });
    this.api = new Api(this, 'Api', { routes: deployedRoutes, resources, webOrigin });
    new Firewall(this, 'Firewall', { stage: this.api.api.deploymentStage });
    this.web = new Web(this, 'Web', { apiOrigin: this.api.origin, apiUrl: this.api.api.url });
    // Every route that starts or reads a workflow may describe that machine's executions.
    for (const route of deployedRoutes) {
      for (const name of Object.keys(route.uses.workflows ?? {}) as WorkflowName[]) {
        const machine = this.workflows.machines.get(name)!;
        Validations.of(this.api.functions.get(route.handler)!.role!).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${this.region}:${this.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${this.getLogicalId(machine.node.defaultChild as CfnElement)}"}]}]}:*]`,
          reason: `Describing the ${name} state machine's own executions (StateMachine.grantRead).`,
        });
      }
    }
    const schedules = new Schedules(this, 'Schedules', { resources });
    const notifications = new Notifications(this, 'Notifications', { resources, key: keys.key });
    const observability = new Observability(this, 'Observability', {
      api: this.api.api,
      functions: [
        ...this.api.functions.values(),
        notifications.sender,
        ...this.workflows.functions,
        ...schedules.functions,
        ...this.queues.functions,
      ],
      table: data.table,
      deadLetters: [notifications.failed, ...this.queues.deadLetters],
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
    new CfnOutput(this, 'WebUrl', { value: this.web.origin });
  }
}

/** `prakerja:paymentPartnerEndpoints`: an object of code -> URL (or its JSON, from `-c`). */
function readEndpoints(value: unknown): Record<string, string> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error('missing context prakerja:paymentPartnerEndpoints (see cdk.json)');
  return Object.fromEntries(Object.entries(parsed).map(([code, url]) => [code, String(url)]));
}

/** The app as `cdk synth` builds it; tests build it the same way. */
export function buildApp(context: Record<string, unknown> = {}): { app: App; stack: PrakerjaStack } {
  const app = new App({ context });
  const read = (key: string) => {
    const value = app.node.tryGetContext(`prakerja:${key}`);
    if (typeof value !== 'string') throw new Error(`missing context prakerja:${key} (see cdk.json)`);
    return value;
  };
  const optional = (key: string) => {
    const value = app.node.tryGetContext(`prakerja:${key}`);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  // A fixed account and region: synth needs no credentials and makes no lookups.
  const stack = new PrakerjaStack(app, 'Prakerja', {
    env: { account: read('account'), region: read('region') },
    emailDomain: read('emailDomain'),
    webOrigin: optional('webOrigin'),
    paymentPartnerEndpoints: readEndpoints(app.node.tryGetContext('prakerja:paymentPartnerEndpoints')),
  });
  // cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountStack } from '#cdk/stacks/account.ts';
import { ApiStack } from '#cdk/stacks/api.ts';
import { DataStack } from '#cdk/stacks/data.ts';
import { cloudFrontLogBucketName, EdgeLogsStack } from '#cdk/stacks/edge-logs.ts';
import { WorkflowsStack } from '#cdk/stacks/workflows.ts';

/** A stage's name: lower case, so that it fits bucket names; short, so that it fits the
 *  names AWS limits (a REST API's, a log group's, a bucket's 63 characters). */
const STAGE = /^[a-z][a-z0-9-]{1,15}$/;

/** The stacks of one stage (and the account's, which every stage shares). */
export interface PrakerjaApp {
  app: App;
  stage: string;
  account: AccountStack;
  edgeLogs: EdgeLogsStack;
  data: DataStack;
  workflows: WorkflowsStack;
  api: ApiStack;
}

/** `prakerja:paymentPartnerEndpoints`: an object of code -> URL (or its JSON, from `-c`). */
function readEndpoints(value: unknown): Record<string, string> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error('missing context prakerja:paymentPartnerEndpoints (see cdk.json)');
  return Object.fromEntries(Object.entries(parsed).map(([code, url]) => [code, String(url)]));
}

/**
 * The app as `cdk synth` builds it; tests build it the same way. One stage per synth
 * (`-c prakerja:stage=production`), so that staging and production share an account:
 * every stack's name and every account-wide name carries the stage.
 * - `Prakerja-Account`: API Gateway's account-wide logging role, shared by the stages.
 * - `Prakerja-<stage>-EdgeLogs` (us-east-1): CloudFront's standard logs.
 * - `Prakerja-<stage>-Data`: table, keys, secrets, alarm topic (termination protected).
 * - `Prakerja-<stage>-Workflows`: workflows, queues, schedules, the notice sender.
 * - `Prakerja-<stage>-Api`: the API (a nested stack per bounded context), WAF, web.
 */
export function buildApp(context: Record<string, unknown> = {}): PrakerjaApp {
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
  const stage = read('stage');
  if (!STAGE.test(stage))
    throw new Error(`prakerja:stage must match ${STAGE} (got ${JSON.stringify(stage)})`);
  // A fixed account and region: synth needs no credentials and makes no lookups.
  const env = { account: read('account'), region: read('region') };
  const name = (part: string) => `Prakerja-${stage}-${part}`;

  const account = new AccountStack(app, 'Prakerja-Account', { env });
  const logBucket = cloudFrontLogBucketName(stage, env.account);
  const edgeLogs = new EdgeLogsStack(app, name('EdgeLogs'), {
    env: { account: env.account, region: 'us-east-1' },
    bucketName: logBucket,
  });
  const data = new DataStack(app, name('Data'), {
    env,
    paymentPartnerEndpoints: readEndpoints(app.node.tryGetContext('prakerja:paymentPartnerEndpoints')),
    smsSpendLimitUsd: Number(optional('smsSpendLimitUsd') ?? 1),
    registryEndpoint: read('registryEndpoint'),
  });
  const emailDomain = read('emailDomain');
  const resources = {
    table: data.data.table,
    secret: data.keys.secret,
    paymentSecret: data.payments.secret,
    paymentEndpoints: data.payments.endpoints,
    registrySecret: data.registry.secret,
    registryEndpoint: data.registry.endpoint,
    email: { domain: emailDomain, from: `Prakerja <no-reply@${emailDomain}>` },
  };
  const workflows = new WorkflowsStack(app, name('Workflows'), {
    env,
    resources,
    key: data.keys.key,
    alarmTopic: data.alarmTopic.topic,
  });
  const api = new ApiStack(app, name('Api'), {
    env,
    stage,
    resources: { ...resources, queues: workflows.queues.queues, machines: workflows.workflows.machines },
    alarmTopic: data.alarmTopic.topic,
    webOrigin: optional('webOrigin'),
    consoleOrigin: optional('consoleOrigin'),
    cloudFrontLogBucket: logBucket,
  });
  // The distributions log to the us-east-1 bucket by name: it must exist first.
  api.addStackDependency(edgeLogs);
  api.addStackDependency(account);
  // cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, account, edgeLogs, data, workflows, api };
}

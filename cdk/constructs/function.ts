import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { BUNDLING } from '#cdk/constructs/bundling.ts';
import { tableStatements } from '#cdk/constructs/table-grants.ts';
import { environmentFor, type Uses } from '#shared/uses.ts';
import type { WorkflowName } from '#shared/workflows/registry.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** What functions may be granted: the deployment's table, key material, workflows, sender. */
export interface AppResources {
  table: ITable;
  /** The functions' one log group (every line names its function): one group per function
   *  would cost ~60 of the stack's 500 CloudFormation resources. */
  logs?: ILogGroup;
  secret: ISecret;
  machines?: ReadonlyMap<WorkflowName, IStateMachine>;
  /** SES identity the emails are sent from, and the From header. */
  email?: { domain: string; from: string };
  /** The programme's keys per payment partner (cdk/constructs/payment-partners.ts). */
  paymentSecret?: ISecret;
  /** Base URL of each payment partner's disbursement API, by code. */
  paymentEndpoints?: Record<string, string>;
  /** The declared queues (shared/queues.ts) by name, for the functions that send to them. */
  queues?: ReadonlyMap<string, IQueue>;
}

export interface AppFunctionProps {
  /** Module path under functions/, without extension, e.g. `accounts/create-account`. */
  handler: string;
  /** What it uses (shared/uses.ts): granted, and its environment set, here and only here. */
  uses: Uses;
  resources: AppResources;
  /** Settings that are not resources (none may name a resource it was not granted). */
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
}

/** Construct id for a handler module: `accounts/create-account` -> `AccountsCreateAccount`. */
export function functionId(handler: string): string {
  return handler
    .split(/[/_-]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Every Lambda function of the app: Node 24 on arm64, an ESM bundle built by the local
 * esbuild (no Docker) with `BUNDLING`, source maps, X-Ray, and its own log group with a retention.
 */
export function appFunction(scope: Construct, id: string, props: AppFunctionProps): NodejsFunction {
  const logGroup =
    props.resources.logs ?? new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
  // Our own role instead of AWSLambdaBasicExecutionRole: it may write to its log group only.
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    role,
    entry: root(`functions/${props.handler}.ts`),
    handler: 'handler',
    projectRoot: root(''),
    depsLockFilePath: root('package-lock.json'),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    // scrypt and AES want CPU, which Lambda hands out in proportion to memory.
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout ?? Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    logGroup,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: props.handler.split('/')[0]!,
      ...props.environment,
      ...environmentFor(props.uses, {
        tableName: props.resources.table.tableName,
        secretsArn: props.resources.secret.secretArn,
        stateMachineArn: (name) => machine(props.resources, name).stateMachineArn,
        emailFrom: props.resources.email?.from ?? '',
        paymentSecretArn: props.resources.paymentSecret?.secretArn ?? '',
        paymentEndpoints: props.resources.paymentEndpoints ?? {},
        queueUrl: (name) => queue(props.resources, name).queueUrl,
      }),
    },
    bundling: BUNDLING,
  });
  grantUses(fn, props.uses, props.resources);
  handlerOf.set(fn, props.handler);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.',
  });
  return fn;
}

/** The handler module each function was built from (for the CDK tests). */
export const handlerOf = new WeakMap<NodejsFunction, string>();

function machine(resources: AppResources, name: WorkflowName): IStateMachine {
  const found = resources.machines?.get(name);
  if (!found) throw new Error(`workflow ${name} is used before it is built`);
  return found;
}

function queue(resources: AppResources, name: string): IQueue {
  const found = resources.queues?.get(name);
  if (!found) throw new Error(`queue ${name} is used before it is built`);
  return found;
}

/** Exactly the grants `uses` declares; the CDK test compares each policy with it. */
function grantUses(fn: NodejsFunction, uses: Uses, resources: AppResources): void {
  const { tableArn, encryptionKey } = resources.table;
  const indexArn = (name: string) => `${tableArn}/index/${name}`;
  for (const statement of tableStatements(uses, { tableArn, indexArn, keyArn: encryptionKey?.keyArn }))
    fn.addToRolePolicy(statement);
  if (uses.secrets) resources.secret.grantRead(fn);
  if (uses.payments) {
    if (!resources.paymentSecret || !resources.paymentEndpoints)
      throw new Error(`${fn.node.path} calls the payment partners but none are configured`);
    resources.paymentSecret.grantRead(fn);
  }
  for (const [name, access] of Object.entries(uses.workflows ?? {}) as [WorkflowName, string][]) {
    const sm = machine(resources, name);
    sm.grantRead(fn);
    if (access === 'start') sm.grantStartExecution(fn);
  }
  for (const name of Object.keys(uses.queues ?? {})) queue(resources, name).grantSendMessages(fn);
  const { account, region, partition } = Stack.of(fn);
  if (uses.email) {
    if (!resources.email) throw new Error(`${fn.node.path} sends email but no SES identity is configured`);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [`arn:${partition}:ses:${region}:${account}:identity/${resources.email.domain}`],
      }),
    );
  }
  // SMS to a phone number has no resource ARN; excluding every SNS ARN leaves exactly
  // that, and no topic or mobile endpoint can be published to.
  if (uses.sms)
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${partition}:sns:*:*:*`] }),
    );
}

/** The findings every function with read-write access to the table raises, acknowledged
 *  with their reasons on `scope` (the grants are Table.grantReadWriteData's). */
export function acknowledgeTableAccess(scope: Construct, tableId: string): void {
  Validations.of(scope).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: "The table's own GSIs, granted by Table.grantReadData/grantReadWriteData.",
    },
    ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'Writing to the table encrypted with the personal-data key; the resource is that one key.',
    })),
  );
}

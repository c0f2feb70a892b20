import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { BUNDLING } from '#cdk/constructs/bundling.ts';
import { reservedConcurrencyOf } from '#cdk/constructs/concurrency.ts';
import { acknowledgeExecutionReads, acknowledgeFunctionFindings } from '#cdk/constructs/findings.ts';
import { tableStatements } from '#cdk/constructs/table-grants.ts';
import type { WorkflowName } from '#contexts/workflows.ts';
import { handlerFile } from '#platform/handlers.ts';
import { environmentFor, type Uses } from '#platform/uses.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** What functions may be granted: the deployment's table, key material, workflows, sender. */
export interface AppResources {
  table: ITable;
  /** The functions' log group; by default one per stack (`FunctionLogs`). */
  logs?: ILogGroup;
  secret: ISecret;
  machines?: ReadonlyMap<WorkflowName, IStateMachine>;
  /** SES identity the emails are sent from, and the From header. */
  email?: { domain: string; from: string };
  /** The programme's keys per payment partner (cdk/constructs/payment-partners.ts). */
  paymentSecret?: ISecret;
  /** Base URL of each payment partner's disbursement API, by code. */
  paymentEndpoints?: Record<string, string>;
  /** The programme's key at the civil registry, and its endpoint (cdk/constructs/registry.ts). */
  registrySecret?: ISecret;
  registryEndpoint?: string;
  /** The declared queues (platform/queues.ts) by name, for the functions that send to them. */
  queues?: ReadonlyMap<string, IQueue>;
}

export interface AppFunctionProps {
  /** Handler module, `<context>/<name>` (platform/handlers.ts), e.g. `accounts/create-account`. */
  handler: string;
  /** What it uses (platform/uses.ts): granted, and its environment set, here and only here. */
  uses: Uses;
  resources: AppResources;
  /** Settings that are not resources (none may name a resource it was not granted). */
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Share one role with every function of the stack that declares the same uses: a role
   *  and its policy are two of CloudFormation's 500 resources per stack. Not for functions
   *  that event sources grant more to (queue and stream consumers). */
  shareRole?: boolean;
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
  const logGroup = props.resources.logs ?? stackLogGroup(scope);
  const role = props.shareRole
    ? sharedRole(scope, logGroup, props.uses, props.resources)
    : functionRole(scope, `${id}Role`, logGroup, props.uses, props.resources);
  const fn = new NodejsFunction(scope, id, {
    role,
    entry: root(handlerFile(props.handler)),
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
    reservedConcurrentExecutions: reservedConcurrencyOf(props.handler),
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
        registrySecretArn: props.resources.registrySecret?.secretArn ?? '',
        registryEndpoint: props.resources.registryEndpoint ?? '',
        queueUrl: (name) => queue(props.resources, name).queueUrl,
      }),
    },
    bundling: BUNDLING,
  });
  handlerOf.set(fn, props.handler);
  return fn;
}

const logGroups = new WeakMap<Stack, LogGroup>();

/** The functions' one log group in each stack (every line names its function): one group
 *  per function would be a resource each, and would keep functions from sharing a role. */
function stackLogGroup(scope: Construct): LogGroup {
  const stack = Stack.of(scope);
  const known = logGroups.get(stack);
  if (known) return known;
  const made = new LogGroup(stack, 'FunctionLogs', { retention: RetentionDays.ONE_MONTH });
  logGroups.set(stack, made);
  return made;
}

/** Our own role instead of AWSLambdaBasicExecutionRole: it may write to its log group and
 *  use what `uses` declares, nothing else. */
function functionRole(
  scope: Construct,
  id: string,
  logGroup: ILogGroup,
  uses: Uses,
  resources: AppResources,
): Role {
  const role = new Role(scope, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  grantUses(role, uses, resources);
  acknowledgeFunctionFindings(role);
  return role;
}

const sharedRoles = new WeakMap<Stack, Map<string, Role>>();

/** The stack's one role for these uses (and log group), made on first use. */
function sharedRole(scope: Construct, logGroup: ILogGroup, uses: Uses, resources: AppResources): IRole {
  const stack = Stack.of(scope);
  const roles = sharedRoles.get(stack) ?? new Map<string, Role>();
  sharedRoles.set(stack, roles);
  const key = JSON.stringify([stack.resolve(logGroup.logGroupName), canonical(uses)]);
  const known = roles.get(key);
  if (known) return known;
  // Named by what it may do, so adding a function never renames (replaces) another's role.
  const id = `Role${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
  const role = functionRole(stack, id, logGroup, uses, resources);
  roles.set(key, role);
  return role;
}

/** Uses with sorted keys: two declarations that say the same thing share a role. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
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

/**
 * Secret.grantRead, on the role alone. Secret.grantRead also writes the role into the
 * customer key's policy (through kms:ViaService), which from a stack other than the data
 * stack would make the data stack depend on it: a cycle. The key's default policy already
 * lets the account's IAM policies grant it, so the role's own policy is enough.
 */
function grantSecretRead(role: Role, secret: ISecret): void {
  const { region, urlSuffix } = Stack.of(secret);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
    }),
  );
  if (secret.encryptionKey)
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.${urlSuffix}` } },
      }),
    );
}

/** Exactly the grants `uses` declares; the CDK test compares each policy with it. */
function grantUses(role: Role, uses: Uses, resources: AppResources): void {
  const { tableArn, encryptionKey } = resources.table;
  const indexArn = (name: string) => `${tableArn}/index/${name}`;
  for (const statement of tableStatements(uses, { tableArn, indexArn, keyArn: encryptionKey?.keyArn }))
    role.addToPrincipalPolicy(statement);
  if (uses.secrets) grantSecretRead(role, resources.secret);
  if (uses.payments) {
    if (!resources.paymentSecret || !resources.paymentEndpoints)
      throw new Error(`${role.node.path} calls the payment partners but none are configured`);
    grantSecretRead(role, resources.paymentSecret);
  }
  if (uses.registry) {
    if (!resources.registrySecret || !resources.registryEndpoint)
      throw new Error(`${role.node.path} calls the civil registry but none is configured`);
    grantSecretRead(role, resources.registrySecret);
  }
  for (const [name, access] of Object.entries(uses.workflows ?? {}) as [WorkflowName, string][]) {
    const sm = machine(resources, name);
    sm.grantRead(role);
    acknowledgeExecutionReads(role, sm, name);
    if (access === 'start') sm.grantStartExecution(role);
  }
  for (const [name, access] of Object.entries(uses.queues ?? {}))
    if (access === 'send') queue(resources, name).grantSendMessages(role);
    else queue(resources, name).grant(role, 'sqs:GetQueueAttributes');
  const { account, region, partition } = Stack.of(role);
  if (uses.email) {
    if (!resources.email) throw new Error(`${role.node.path} sends email but no SES identity is configured`);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [`arn:${partition}:ses:${region}:${account}:identity/${resources.email.domain}`],
      }),
    );
  }
  // SMS to a phone number has no resource ARN; excluding every SNS ARN leaves exactly
  // that, and no topic or mobile endpoint can be published to.
  if (uses.sms)
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${partition}:sns:*:*:*`] }),
    );
}

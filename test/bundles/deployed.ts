import { fileURLToPath } from 'node:url';
import { streamConsumers as consumers, queueConsumers } from '#contexts/consumers.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';
import { deployedRoutes } from '#contexts/routes.ts';
import { schedules } from '#contexts/schedules.ts';
import { type WorkflowName, workflows } from '#contexts/workflows.ts';
import { handlerFile } from '#platform/handlers.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { routeUses } from '#platform/http/contract.ts';
import { environmentFor, mergeUses, type Uses } from '#platform/uses.ts';

// Every function the CDK app deploys, from the declarations it reads (cdk/constructs/api,
// workflows, queues, notifications, schedules make one function per handler module of
// these), and the environment its Lambda gets: what `appFunction` sets beside
// `environmentFor`, and what the Lambda runtime itself sets. Shared by the `bundles` test
// project and `npm run bench:bundles`, so neither needs the CDK app.

export type FunctionKind = 'route' | 'task' | 'queue' | 'stream' | 'schedule';

export interface DeployedFunction {
  /** Handler module, `<context>/<name>` (platform/handlers.ts): the CDK app's `handler`. */
  handler: string;
  kind: FunctionKind;
  uses: Uses;
  /** The routes it serves (kind `route`). */
  routes: RouteContract[];
  memorySize: number;
}

export const entryOf = (handler: string) =>
  fileURLToPath(new URL(`../../${handlerFile(handler)}`, import.meta.url));

/** The deployed functions, sorted by handler; one per handler module, as the CDK app makes them. */
export function deployedFunctions(): DeployedFunction[] {
  const byHandler = new Map<string, DeployedFunction>();
  const add = (fn: DeployedFunction) => {
    const seen = byHandler.get(fn.handler);
    if (seen && seen.kind !== fn.kind)
      throw new Error(`${fn.handler} is both a ${seen.kind} and a ${fn.kind}`);
    // A consumer of several queues (one per payment partner) is one function.
    if (!seen) byHandler.set(fn.handler, fn);
  };
  const routesOf = new Map<string, RouteContract[]>();
  for (const r of deployedRoutes) routesOf.set(r.handler, [...(routesOf.get(r.handler) ?? []), r]);
  for (const [handler, routes] of routesOf)
    add({ handler, kind: 'route', uses: mergeUses(...routes.map(routeUses)), routes, memorySize: 1024 });
  for (const workflow of Object.values(workflows))
    for (const handler of Object.values(workflow.tasks))
      add({ handler, kind: 'task', uses: workflow.uses, routes: [], memorySize: 1024 });
  for (const c of queueConsumers)
    add({ handler: c.handler, kind: 'queue', uses: c.uses, routes: [], memorySize: c.memorySize });
  for (const c of consumers)
    add({ handler: c.handler, kind: 'stream', uses: c.uses, routes: [], memorySize: c.memorySize });
  for (const s of schedules)
    add({ handler: s.handler, kind: 'schedule', uses: s.uses, routes: [], memorySize: 1024 });
  return [...byHandler.values()].sort((a, b) => a.handler.localeCompare(b.handler));
}

export const functionName = (handler: string) => `prakerja-${handler.replace(/\W/g, '-')}`;

/**
 * The environment a function's Lambda starts with: the runtime's own variables, the role's
 * (here fake) keys, what `appFunction` sets, and `environmentFor` its uses with stand-in
 * values. Every endpoint a handler could call is `endpoint` (127.0.0.1 on a closed port,
 * for the tests; `AWS_ENDPOINT_URL` sends every AWS client there), so nothing leaves the
 * machine.
 */
export function lambdaEnvironment(fn: DeployedFunction, endpoint: string): Record<string, string> {
  const arn = (service: string, name: string) => `arn:aws:${service}:ap-southeast-3:123456789012:${name}`;
  const name = functionName(fn.handler);
  return {
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'ap-southeast-3',
    AWS_DEFAULT_REGION: 'ap-southeast-3',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/prakerja',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/06/[$LATEST]0123456789abcdef',
    AWS_XRAY_DAEMON_ADDRESS: endpoint.replace(/^http:\/\//, ''),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_ACCESS_KEY_ID: 'ASIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_SESSION_TOKEN: 'fake-session-token',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    // cdk/constructs/function.ts `appFunction`
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: fn.handler.split('/')[0]!,
    ...(fn.kind === 'route' ? { WEB_ORIGIN: 'https://d111111abcdef8.cloudfront.net' } : {}),
    ...environmentFor(fn.uses, {
      tableName: 'prakerja-table',
      secretsArn: arn('secretsmanager', 'secret:prakerja-keys'),
      stateMachineArn: (workflow: WorkflowName) => arn('states', `stateMachine:${workflow}`),
      emailFrom: 'noreply@example.org',
      paymentSecretArn: arn('secretsmanager', 'secret:prakerja-payment-partners'),
      paymentEndpoints: Object.fromEntries(PAYMENT_PARTNERS.map((p) => [p.code, `${endpoint}/${p.code}`])),
      queueUrl: (queue) => `${endpoint}/123456789012/${queue}`,
    }),
  };
}

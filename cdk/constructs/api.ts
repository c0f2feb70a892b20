import { Duration, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  type CorsOptions,
  Deployment,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Resource,
  ResponseType,
  RestApi,
  Stage,
} from 'aws-cdk-lib/aws-apigateway';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AppResources, appFunction, functionId } from '#cdk/constructs/function.ts';
import { contextOf } from '#platform/handlers.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { functionTimeoutSeconds, routeUses } from '#platform/http/contract.ts';
import { CORS } from '#platform/http/cors.ts';
import { PROBLEM_BASE } from '#platform/http/problem.ts';
import { mergeUses } from '#platform/uses.ts';

export interface ApiProps {
  /** The routes to deploy (contexts/routes.ts `deployedRoutes`). */
  routes: RouteContract[];
  /** What the functions may be granted, as each route's `uses` declares. */
  resources: AppResources;
  /** The origins CORS allows: the citizens' pages and the console (tokens when they are the
   *  distributions' own domains). The first also reads API Gateway's own refusals. */
  webOrigins: string[];
  /** The REST API's name, unique in the account and Region (it carries the stage). */
  name: string;
  stageName?: string;
}

/** Contexts whose routes stay in the parent stack: the REST API needs a method of its own. */
const PARENT_CONTEXTS = new Set(['docs']);

// A route's context is its handler's (platform/handlers.ts `contextOf`): the folder
// contexts/<context>/ it lives in, and the nested stack it is deployed in.
export { contextOf };

/**
 * REST API (v1, Lambda proxy: the handlers take APIGatewayProxyEvent) with one method per
 * route contract and one function per handler module. Validation, auth and the 64 KiB body
 * limit happen in the handler (platform/http/handler.ts), so the API has no models,
 * validators or authorizers of its own.
 *
 * CloudFormation allows 500 resources per stack, and a route with its handler costs about
 * seven (method, preflight, permission, path, function, role, policy). So each bounded
 * context's functions, paths and methods are a nested stack of their own (`contexts`),
 * on the one REST API: a path that two contexts share stays here, and the deployment and
 * stage, made here, wait for every context.
 */
export class Api extends Construct {
  readonly api: RestApi;
  readonly stage: Stage;
  /** Functions by handler module path. */
  readonly functions = new Map<string, NodejsFunction>();
  /** The nested stack of each bounded context, by context (`accounts`, `payouts`, ...). */
  readonly contexts = new Map<string, NestedStack>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    checkPathVariables(props.routes);
    for (const r of props.routes)
      if (r.localOnly) throw new Error(`${r.operationId} is local-only and cannot be deployed`);
    this.api = new RestApi(this, 'RestApi', {
      restApiName: props.name,
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide logging role is the account stack's (cdk/stacks/account.ts): a second
      // stage in the account must not take it over, nor remove it when it is destroyed.
      cloudWatchRole: false,
      deploy: false,
    });
    this.addProblemResponses(props.webOrigins[0]!);
    const cors: CorsOptions = {
      allowOrigins: props.webOrigins,
      allowHeaders: [...CORS.allowHeaders],
      maxAge: Duration.seconds(CORS.maxAgeSeconds),
      statusCode: 204,
    };

    const owners = pathOwners(props.routes);
    // Paths of more than one context (and of the parent's own), made here.
    const shared = new Map<string, IResource>([['/', this.api.root]]);
    for (const path of [...owners.keys()].sort(byDepth)) {
      if (path === '/' || !isParentPath(path, owners)) continue;
      shared.set(path, shared.get(parentOf(path))!.addResource(lastPart(path)));
    }
    // WEB_ORIGIN: the allowed origins, comma-separated (platform/http/cors.ts).
    const functionEnvironment = { WEB_ORIGIN: props.webOrigins.join(',') };

    const byContext = new Map<string, RouteContract[]>();
    for (const r of props.routes)
      byContext.set(contextOf(r.handler), [...(byContext.get(contextOf(r.handler)) ?? []), r]);
    for (const [context, routes] of byContext) {
      const home = PARENT_CONTEXTS.has(context) ? this : new NestedStack(this, functionId(context));
      if (home instanceof NestedStack) this.contexts.set(context, home);
      const resourceFor = pathResolver(home, this.api, shared);
      for (const [handler, handled] of groupByHandler(routes)) {
        const fn = appFunction(home, functionId(handler), {
          handler,
          uses: mergeUses(...handled.map(routeUses)),
          resources: props.resources,
          environment: functionEnvironment,
          timeout: Duration.seconds(functionTimeoutSeconds(handled)),
          shareRole: true,
        });
        this.functions.set(handler, fn);
        const integration = new LambdaIntegration(fn, { allowTestInvoke: false });
        for (const r of handled)
          resourceFor(r.path).addMethod(r.method, integration, { operationName: r.operationId });
      }
      // Preflights answered by API Gateway itself, from the declaration the local adapter uses,
      // on the paths this context owns (shared paths get theirs below).
      for (const path of new Set(routes.map((r) => r.path)))
        if (!shared.has(path)) resourceFor(path).addCorsPreflight(cors);
    }
    for (const path of new Set(props.routes.map((r) => r.path)))
      if (shared.has(path)) shared.get(path)!.addCorsPreflight(cors);

    const deployment = new Deployment(this, 'Deployment', {
      api: this.api,
      description: 'Every route of contexts/routes.ts',
    });
    // A new deployment whenever a route, its handler or the CORS declaration changes: the
    // methods of the nested stacks are not this RestApi's own, so CDK cannot see them.
    deployment.addToLogicalId({
      routes: props.routes.map((r) => [r.method, r.path, r.handler, r.operationId, r.access]),
      cors: CORS,
      origins: props.webOrigins,
    });
    deployment.node.addDependency(...this.contexts.values(), ...this.api.methods);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stage = new Stage(this, 'Stage', {
      deployment,
      stageName: props.stageName ?? 'prod',
      tracingEnabled: true,
      metricsEnabled: true,
      // Errors only, and never request bodies: they carry NIKs and passwords.
      loggingLevel: MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      // Default for every method, under the Region's account quota (2,500 requests a second
      // in Jakarta, docs/runbook.md); per-client limits are the WAF's (firewall.ts).
      throttlingRateLimit: 2000,
      throttlingBurstLimit: 1000,
    });
    this.acknowledgeNagFindings();
  }

  /** `https://<id>.execute-api.<region>.<suffix>`: the API's origin, from the RestApi id
   *  alone (not `url`, which names the stage, whose deployment depends on the CORS origin). */
  get origin(): string {
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  /** The stage's base URL (`<origin>/<stage>/`). */
  get url(): string {
    return this.stage.urlForPath('/');
  }

  private acknowledgeNagFindings(): void {
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Every handler validates its request with the route contract zod schemas (platform/http/handler.ts).',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Authorization is per route in the handler: JWT for citizens and administrators, HMAC ' +
          'signatures for partners (API.md), none for public routes; the route contract declares which.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Tokens are issued by this backend (jose), not Cognito; partners sign requests with HMAC.',
      },
    );
  }

  /** API Gateway's own refusals, as problem documents like the handlers' (no
   *  "Missing Authentication Token" 403 for an unknown route). */
  private addProblemResponses(webOrigin: string): void {
    const responses = [
      [ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, 'not-found', 'Not found'],
      [ResponseType.REQUEST_TOO_LARGE, 413, 'payload-too-large', 'Payload too large'],
      [ResponseType.THROTTLED, 429, 'rate-limited', 'Too many requests'],
      [ResponseType.DEFAULT_5XX, 500, 'internal', 'Internal server error'],
    ] as const;
    for (const [type, status, slug, title] of responses) {
      this.api.addGatewayResponse(slug, {
        type,
        statusCode: String(status),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          // So that the citizens' pages can read API Gateway's own refusals too.
          'Access-Control-Allow-Origin': `'${webOrigin}'`,
        },
        templates: { 'application/json': JSON.stringify({ type: PROBLEM_BASE + slug, title, status }) },
      });
    }
  }
}

/** Each path of the routes and their prefixes, with the contexts whose routes go through it. */
export function pathOwners(routes: RouteContract[]): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const r of routes) {
    const parts = r.path.split('/').filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const path = `/${parts.slice(0, i).join('/')}`;
      owners.set(path, (owners.get(path) ?? new Set()).add(contextOf(r.handler)));
    }
  }
  return owners;
}

/** A path the parent makes: two contexts go through it, or its one context stays there. */
function isParentPath(path: string, owners: Map<string, Set<string>>): boolean {
  const contexts = owners.get(path)!;
  return contexts.size > 1 || PARENT_CONTEXTS.has([...contexts][0]!);
}

const byDepth = (a: string, b: string) => a.split('/').length - b.split('/').length || a.localeCompare(b);
const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
const lastPart = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The API Gateway resource of a path as seen from `home`: the parent's own where it made
 *  it (imported into a nested stack by id), else made in `home` under its parent path. */
function pathResolver(home: Construct, api: RestApi, shared: Map<string, IResource>) {
  if (!(home instanceof NestedStack)) return (path: string) => shared.get(path)!;
  const imported = RestApi.fromRestApiAttributes(home, 'RestApi', {
    restApiId: api.restApiId,
    rootResourceId: api.restApiRootResourceId,
  });
  const known = new Map<string, IResource>([['/', imported.root]]);
  const resolve = (path: string): IResource => {
    const found = known.get(path);
    if (found) return found;
    const own = shared.get(path);
    const made = own
      ? Resource.fromResourceAttributes(home, `Path${path.replace(/[^A-Za-z0-9]+/g, '_')}`, {
          resourceId: own.resourceId,
          restApi: imported,
          path,
        })
      : resolve(parentOf(path)).addResource(lastPart(path));
    known.set(path, made);
    return made;
  };
  return resolve;
}

function groupByHandler(routes: RouteContract[]): Map<string, RouteContract[]> {
  const groups = new Map<string, RouteContract[]>();
  for (const r of routes) groups.set(r.handler, [...(groups.get(r.handler) ?? []), r]);
  return groups;
}

/** API Gateway refuses two different variables at one level (`/x/{id}` and `/x/{xId}`),
 *  which the local adapter would accept: fail at synth, not at deploy. */
export function checkPathVariables(routes: RouteContract[]): void {
  const variables = new Map<string, string>();
  for (const r of routes) {
    const parts = r.path.split('/');
    parts.forEach((part, i) => {
      if (!part.startsWith('{')) return;
      const parent = parts.slice(0, i).join('/');
      const seen = variables.get(parent) ?? part;
      if (seen !== part) throw new Error(`${r.path}: ${part} and ${seen} under ${parent || '/'}`);
      variables.set(parent, part);
    });
  }
}

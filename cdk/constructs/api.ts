import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AppResources, appFunction, functionId } from '#cdk/constructs/function.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import { CORS } from '#shared/http/cors.ts';
import { PROBLEM_BASE } from '#shared/http/problem.ts';
import { mergeUses, routeUses } from '#shared/uses.ts';

export interface ApiProps {
  /** The routes to deploy (shared/contracts/routes.ts `deployedRoutes`). */
  routes: RouteContract[];
  /** What the functions may be granted, as each route's `uses` declares. */
  resources: AppResources & { table: Table };
  /** The web front end's origin: the only one CORS allows (shared/http/cors.ts). May be a
   *  token (the distribution's domain). */
  webOrigin: string;
  stageName?: string;
}

/**
 * REST API (v1, Lambda proxy: the handlers take APIGatewayProxyEvent) with one method
 * per route contract and one function per handler module. Validation, auth and the
 * 64 KiB body limit happen in the handler (shared/http/handler.ts), so the API has no
 * models, validators or authorizers of its own.
 */
export class Api extends Construct {
  readonly api: RestApi;
  /** Functions by handler module path. */
  readonly functions = new Map<string, NodejsFunction>();
  /** The one origin CORS allows (a token when it is the distribution's). */
  readonly webOrigin: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.webOrigin = props.webOrigin;
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.api = new RestApi(this, 'RestApi', {
      restApiName: 'prakerja',
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes execution logs through one account-wide role.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? 'prod',
        tracingEnabled: true,
        metricsEnabled: true,
        // Errors only, and never request bodies: they carry NIKs and passwords.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        // Default for every method; per-client limits are the WAF's (firewall.ts).
        throttlingRateLimit: 2000,
        throttlingBurstLimit: 1000,
      },
      // Preflights answered by API Gateway itself, from the declaration the local adapter uses.
      defaultCorsPreflightOptions: {
        allowOrigins: [props.webOrigin],
        allowHeaders: [...CORS.allowHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
        statusCode: 204,
      },
    });
    this.addProblemResponses();

    for (const [handler, routes] of groupByHandler(props.routes)) {
      const fn = appFunction(this, functionId(handler), {
        handler,
        uses: mergeUses(...routes.map(routeUses)),
        resources: props.resources,
        environment: { WEB_ORIGIN: props.webOrigin },
      });
      this.functions.set(handler, fn);
      const integration = new LambdaIntegration(fn, { allowTestInvoke: false });
      for (const r of routes) {
        this.api.root
          .resourceForPath(r.path)
          .addMethod(r.method, integration, { operationName: r.operationId });
      }
    }
    this.acknowledgeNagFindings(props.resources.table);
  }

  /** `https://<id>.execute-api.<region>.<suffix>`: the API's origin, from the RestApi id
   *  alone (not `url`, which names the stage, whose deployment depends on the CORS origin). */
  get origin(): string {
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  private acknowledgeNagFindings(table: Table): void {
    const tableId = Stack.of(this).getLogicalId(table.node.defaultChild as CfnTable);
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Every handler validates its request with the route contract zod schemas (shared/http/handler.ts).',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-wide logging role: this managed policy is the one AWS documents for it.",
      },
    );
    Validations.of(this).acknowledge(
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
      {
        id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        reason: "The table's own GSIs (GSI1, GSI2), granted by Table.grantReadData/grantReadWriteData.",
      },
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: 'Writing to the table encrypted with the personal-data key; the resource is that one key.',
      })),
    );
  }

  /** API Gateway's own refusals, as problem documents like the handlers' (no
   *  "Missing Authentication Token" 403 for an unknown route). */
  private addProblemResponses(): void {
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
          // So that the web front end can read API Gateway's own refusals too.
          'Access-Control-Allow-Origin': `'${this.webOrigin}'`,
        },
        templates: { 'application/json': JSON.stringify({ type: PROBLEM_BASE + slug, title, status }) },
      });
    }
  }
}

function groupByHandler(routes: RouteContract[]): Map<string, RouteContract[]> {
  checkPathVariables(routes);
  const groups = new Map<string, RouteContract[]>();
  for (const r of routes) {
    if (r.localOnly) throw new Error(`${r.operationId} is local-only and cannot be deployed`);
    groups.set(r.handler, [...(groups.get(r.handler) ?? []), r]);
  }
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

import { readFileSync } from 'node:fs';
import { type App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Method } from 'aws-cdk-lib/aws-apigateway';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PrakerjaApp } from '#cdk/app.ts';
import { RUNBOOK } from '#cdk/constructs/alarms.ts';
import { checkPathVariables, contextOf } from '#cdk/constructs/api.ts';
import { RESERVED_CONCURRENCY } from '#cdk/constructs/concurrency.ts';
import { MANAGED_RULE_GROUPS } from '#cdk/constructs/firewall.ts';
import { functionId, handlerOf } from '#cdk/constructs/function.ts';
import { CITIZENS_REQUEST_FUNCTION, CONSOLE_INDEX_FUNCTION } from '#cdk/constructs/web.ts';
import { streamConsumers as consumers, queueConsumers } from '#contexts/consumers.ts';
import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { noticeQueues } from '#contexts/notifications/queues.ts';
import { contracts, deployedRoutes, routes } from '#contexts/routes.ts';
import { schedules } from '#contexts/schedules.ts';
import { workflows } from '#contexts/workflows.ts';
import * as localRoutes from '#local/routes.ts';
import { functionTimeoutSeconds, HTTP_FUNCTION_TIMEOUT_S, routeUses } from '#platform/http/contract.ts';
import {
  contentSecurityPolicy,
  WEB_CACHE_CONTROL,
  WEB_SECURITY_HEADERS,
  webSecurityHeaders,
} from '#platform/http/web-headers.ts';
import { dlqName } from '#platform/queues.ts';
import { TABLE } from '#platform/store/table.ts';
import { environmentFor, mergeUses, tableAccess, type Uses } from '#platform/uses.ts';
import { deployedFunctions } from '#test/bundles/deployed.ts';

// One synthesis of the whole app (every stack, nested stacks included) for the whole file,
// without bundling: the bundles have a project of their own (test/bundles/).
let built: PrakerjaApp;
const templates = new Map<Stack, { Resources: Record<string, CfnResource> }>();
type CfnResource = { Type: string; Properties: any; DeletionPolicy?: string; DependsOn?: string | string[] };
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;
const synthContext = { ...cdkContext, 'aws:cdk:bundling-stacks': [] };

beforeAll(() => {
  built = buildApp(synthContext);
  for (const stack of stacksOf(built.app)) templates.set(stack, Template.fromStack(stack).toJSON() as any);
});

/** Every stack of an app, nested stacks included. */
const stacksOf = (app: App) => app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
const resourcesOf = (stack: Stack) => templates.get(stack)!.Resources;
/** [logical id, resource, its stack] of a type, in one stack or in all. */
const ofType = (type: string, stack?: Stack) =>
  [...templates.keys()]
    .filter((s) => !stack || s === stack)
    .flatMap((s) =>
      Object.entries(resourcesOf(s))
        .filter(([, r]) => r.Type === type)
        .map(([id, r]) => [id, r, s] as const),
    );
/** The app's own functions: all but BucketDeployment's handler (aws-cdk-lib's, for the web). */
const BUCKET_DEPLOYMENT = /^CustomCDKBucketDeployment/;
const appFunctions = () => ofType('AWS::Lambda::Function').filter(([id]) => !BUCKET_DEPLOYMENT.test(id));
const logicalId = (element: IConstruct | undefined) => {
  const cfn = (element as any).node?.defaultChild ?? element;
  return Stack.of(cfn).getLogicalId(cfn as CfnElement);
};
/** A construct's resource in its own stack's template. */
const resourceOf = (element: IConstruct) => {
  const cfn = ((element as any).node?.defaultChild ?? element) as CfnElement;
  return resourcesOf(Stack.of(cfn))[logicalId(cfn)]!;
};
const getAtt = (value: any): string | undefined => value?.['Fn::GetAtt']?.[0];
const appFunctionsOf = () =>
  built.app.node.findAll().filter((c): c is NodejsFunction => c instanceof NodejsFunction);

describe('stacks', () => {
  it("holds every stack, nested ones included, at or under 400 of CloudFormation's 500 resources", () => {
    const counts = [...templates].map(
      ([stack, t]) => [stack.node.path, Object.keys(t.Resources).length] as const,
    );
    // Printed for the runbook and the next addition's budget.
    console.log(`CloudFormation resources per stack: ${counts.map(([p, n]) => `${p}=${n}`).join(' ')}`);
    for (const [path, n] of counts) expect(n, path).toBeLessThanOrEqual(400);
  });

  it('keeps the state in a termination-protected stack of its own, every stateful resource retained', () => {
    expect(built.data.terminationProtection).toBe(true);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
      const found = ofType(type).filter(([id]) => !/AlarmTopicKey/.test(id));
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, r, stack] of found) {
        expect(stack, `${type} ${id}`).toBe(built.data);
        expect(r.DeletionPolicy, id).toBe('Retain');
      }
    }
  });

  it("puts each bounded context's routes in a nested stack of the API's", () => {
    const contexts = new Set(deployedRoutes.map((r) => contextOf(r.handler)));
    for (const context of contexts) {
      if (context === 'docs') continue;
      const nested = built.api.api.contexts.get(context);
      expect(nested, context).toBeInstanceOf(NestedStack);
      for (const r of deployedRoutes.filter((r) => contextOf(r.handler) === context))
        expect(Stack.of(built.api.api.functions.get(r.handler)!), r.handler).toBe(nested);
    }
  });

  it('deploys CloudFront logs to us-east-1, never to a bucket in Jakarta', () => {
    expect(built.edgeLogs.region).toBe('us-east-1');
    const [, bucket] = ofType('AWS::S3::Bucket', built.edgeLogs)[0]!;
    expect(bucket.Properties.BucketName).toBe(`prakerja-${built.stage}-cloudfront-logs-${built.api.account}`);
    const distributions = ofType('AWS::CloudFront::Distribution');
    expect(distributions).toHaveLength(2);
    for (const [id, d, stack] of distributions) {
      expect(stack.region).toBe('ap-southeast-3');
      const logging = d.Properties.DistributionConfig.Logging;
      // A name, not a reference to a bucket of this (Jakarta) stack.
      expect(JSON.stringify(logging.Bucket), id).toContain(`${bucket.Properties.BucketName}.s3.us-east-1.`);
      expect(JSON.stringify(logging.Bucket)).not.toMatch(/"Ref"|Fn::GetAtt/);
    }
    expect([...built.api.dependencies]).toContain(built.edgeLogs);
  });

  it('names every stack and account-wide resource after the stage, so two stages share an account', () => {
    const other = buildApp({ ...synthContext, 'prakerja:stage': 'production' });
    const names = (app: App) => {
      const found: string[] = [];
      for (const stack of stacksOf(app)) {
        if (stack.nestedStackParent) continue;
        found.push(stack.stackName);
        const t = Template.fromStack(stack).toJSON() as any;
        for (const r of Object.values(t.Resources) as CfnResource[]) {
          const p = r.Properties ?? {};
          for (const name of [
            p.Name,
            p.BucketName,
            p.LogGroupName,
            p.ResponseHeadersPolicyConfig?.Name,
            p.OriginAccessControlConfig?.Name,
            p.TableName,
            p.FunctionName,
            p.StateMachineName,
            p.QueueName,
            p.TopicName,
            p.RoleName,
          ])
            if (typeof name === 'string') found.push(`${r.Type} ${name}`);
        }
      }
      return found;
    };
    const staging = names(built.app);
    const production = names(other.app);
    const account = stacksOf(built.app).find((s) => s.stackName === 'Prakerja-Account')!;
    const shared = staging.filter((n) => production.includes(n));
    // Only the account stack (one per account and Region) is the same in both.
    expect(shared).toEqual(['Prakerja-Account']);
    expect(ofType('AWS::ApiGateway::Account').map(([, , s]) => s)).toEqual([account]);
    expect(() => buildApp({ ...synthContext, 'prakerja:stage': 'Prod!' })).toThrow(/prakerja:stage/);
  });
});

describe('data', () => {
  it('builds the one table from the shared declaration', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [, table] = tables[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
    });
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: i.projection },
      })),
    );
    for (const attribute of table.Properties.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
  });

  it('encrypts the table with a rotating customer-managed key', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    const sse = table.Properties.SSESpecification;
    expect(sse).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    const key = resourcesOf(built.data)[getAtt(sse.KMSMasterKeyId)!]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('keeps the key material in one secret, encrypted with the customer key, with the three keys', () => {
    const keys = built.data.keys;
    const secret = resourceOf(keys.secret);
    expect(resourcesOf(built.data)[getAtt(secret.Properties.KmsKeyId)!]!.Type).toBe('AWS::KMS::Key');
    const text = JSON.stringify(secret.Properties.SecretString);
    for (const field of ['jwtKey', 'lookupKey', 'dataKey'])
      expect(text).toContain(`${field}\\":\\"{{resolve:secretsmanager:`);
    // Every generated part is 43 base64 characters: exactly 32 bytes once decoded.
    const parts = ofType('AWS::SecretsManager::Secret', built.data).filter(
      ([id]) => id !== logicalId(keys.secret) && id.startsWith('Keys'),
    );
    expect(parts).toHaveLength(3);
    for (const [, s] of parts)
      expect(s.Properties.GenerateSecretString).toMatchObject({
        PasswordLength: 43,
        ExcludePunctuation: true,
      });
  });
});

describe('payment partners', () => {
  it("keeps the partners' credentials in one secret encrypted with the customer key, endpoints from cdk.json", () => {
    const secret = resourceOf(built.data.payments.secret);
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(resourcesOf(built.data)[getAtt(secret.Properties.KmsKeyId)!]!.Type).toBe('AWS::KMS::Key');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(built.data.payments.endpoints).toEqual(cdkContext['prakerja:paymentPartnerEndpoints']);
  });

  it('refuses at synth a partner without an https endpoint', () => {
    const endpoints = { ...cdkContext['prakerja:paymentPartnerEndpoints'], bni: 'http://bni.example' };
    expect(() => buildApp({ ...synthContext, 'prakerja:paymentPartnerEndpoints': endpoints })).toThrow(
      /bni needs an https/,
    );
  });
});

describe('api', () => {
  const methods = () =>
    built.app.node.findAll().filter((c): c is Method => c instanceof Method && c.httpMethod !== 'OPTIONS');

  it('deploys exactly the routes the local runtime serves, minus the local-only ones', () => {
    const local = routes.filter((r) => !r.localOnly).map((r) => `${r.method} ${r.path}`);
    const deployed = deployedRoutes.map((r) => `${r.method} ${r.path}`);
    const inTemplates = methods().map((m) => `${m.httpMethod} ${m.resource.path}`);
    expect(inTemplates.sort()).toEqual(deployed.sort());
    expect(deployed.sort()).toEqual(local.sort());
    for (const r of contracts(localRoutes)) expect(r.path).toMatch(/^\/_local\//);
    // Each method is in a template, on the one REST API.
    const apiId = logicalId(built.api.api.api);
    for (const m of methods()) {
      const method = resourceOf(m);
      expect(method.Type).toBe('AWS::ApiGateway::Method');
      if (Stack.of(m) === built.api) expect(method.Properties.RestApiId).toEqual({ Ref: apiId });
      else expect(Object.keys(method.Properties.RestApiId)).toEqual(['Ref']); // the parent's id, a parameter
    }
  });

  it('refuses at synth two path variables at one level, which API Gateway would refuse at deploy', () => {
    const at = (path: string) => ({ ...deployedRoutes[0]!, path });
    expect(() => checkPathVariables([at('/v1/x/{id}'), at('/v1/x/{id}/y')])).not.toThrow();
    expect(() => checkPathVariables([at('/v1/x/{id}'), at('/v1/x/{xId}/y')])).toThrow(/\{xId\} and \{id\}/);
  });

  it('sends each route to the function of its handler module, as a Lambda proxy in its own stack', () => {
    for (const route of deployedRoutes) {
      const fn = built.api.api.functions.get(route.handler)!;
      // The time the local adapter counts down in the context a handler reads (timeLeftMs).
      const served = deployedRoutes.filter((r) => r.handler === route.handler);
      expect(resourceOf(fn).Properties.Timeout, route.handler).toBe(functionTimeoutSeconds(served));
      expect(resourceOf(fn).Properties.Timeout).toBeLessThan(29);
      const found = methods().filter((m) => m.httpMethod === route.method && m.resource.path === route.path);
      expect(found, route.operationId).toHaveLength(1);
      const method = resourceOf(found[0]!);
      expect(Stack.of(found[0]!)).toBe(Stack.of(fn));
      expect(method.Properties).toMatchObject({
        OperationName: route.operationId,
        Integration: {
          Type: 'AWS_PROXY',
          Uri: { 'Fn::Join': ['', expect.arrayContaining([{ 'Fn::GetAtt': [logicalId(fn), 'Arn'] }])] },
        },
      });
    }
    expect(built.api.api.functions.size).toBe(new Set(deployedRoutes.map((r) => r.handler)).size);
    // Bulk routes ask for more: the list imports (10,000 NIKs a call).
    const longer = deployedRoutes.filter((r) => functionTimeoutSeconds([r]) > HTTP_FUNCTION_TIMEOUT_S);
    expect(longer.map((r) => r.operationId).sort()).toEqual([
      'importExclusionListEntries',
      'importLaidOffPriorityEntries',
    ]);
    expect(() => functionTimeoutSeconds([{ ...longer[0]!, timeoutSeconds: 29 }])).toThrow(/API Gateway/);
  });

  it('answers preflights on every route path for the two web origins only', () => {
    const preflights = built.app.node
      .findAll()
      .filter((c): c is Method => c instanceof Method && c.httpMethod === 'OPTIONS');
    expect(new Set(preflights.map((m) => m.resource.path))).toEqual(
      new Set(deployedRoutes.map((r) => r.path)),
    );
    for (const m of preflights) expect(JSON.stringify(resourceOf(m))).not.toContain("'*'");
    // The handlers compare the request's Origin with the same two origins.
    const docs = resourceOf(built.api.api.functions.get('docs/get-openapi')!);
    const [citizens, console_] = [built.api.web.distribution, built.api.web.console].map(logicalId);
    expect(docs.Properties.Environment.Variables.WEB_ORIGIN).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [citizens, 'DomainName'] },
          ',https://',
          { 'Fn::GetAtt': [console_, 'DomainName'] },
        ],
      ],
    });
    for (const [, r] of ofType('AWS::ApiGateway::GatewayResponse'))
      expect(r.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toEqual({
        'Fn::Join': ['', ["'https://", { 'Fn::GetAtt': [citizens, 'DomainName'] }, "'"]],
      });
  });

  it('takes the CORS origins from prakerja:webOrigin and prakerja:consoleOrigin when given (custom domains)', () => {
    const custom = buildApp({
      ...synthContext,
      'prakerja:webOrigin': 'https://prakerja.example',
      'prakerja:consoleOrigin': 'https://console.prakerja.example',
    });
    const fn = custom.api.api.functions.get('docs/get-openapi')!.node.defaultChild as any;
    expect(Stack.of(fn).resolve(fn.environment).variables.WEB_ORIGIN).toBe(
      'https://prakerja.example,https://console.prakerja.example',
    );
  });

  it('logs, traces and throttles the stage, which a new deployment follows when a route changes', () => {
    const [, stage] = ofType('AWS::ApiGateway::Stage')[0]!;
    expect(stage.Properties).toMatchObject({
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: expect.anything(), Format: expect.stringContaining('requestId') },
      MethodSettings: [
        expect.objectContaining({
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: expect.any(Number),
          ThrottlingBurstLimit: expect.any(Number),
        }),
      ],
    });
    // The deployment waits for every context's methods.
    const [deploymentId, deployment] = ofType('AWS::ApiGateway::Deployment')[0]!;
    for (const nested of built.api.api.contexts.values())
      expect([deployment.DependsOn].flat(), nested.node.id).toContain(
        built.api.getLogicalId(nested.nestedStackResource!),
      );
    expect(deploymentId).toMatch(/^ApiDeployment/);
  });

  it('rate-limits every request per IP, citizens more, partner key ids too, with managed rules and logs', () => {
    const [aclId, acl] = ofType('AWS::WAFv2::WebACL')[0]!;
    const rules = acl.Properties.Rules;
    const rate = (r: any) => r.Statement.RateBasedStatement;
    // An attacker-chosen X-Prakerja-Key-Id passes no rule: the ceiling has no scope-down.
    const ceiling = rules.find((r: any) => rate(r)?.AggregateKeyType === 'IP' && !rate(r).ScopeDownStatement);
    expect(ceiling).toBeDefined();
    const citizens = rules.find((r: any) => rate(r)?.AggregateKeyType === 'IP' && rate(r).ScopeDownStatement);
    expect(rate(citizens).Limit).toBeLessThan(rate(ceiling).Limit);
    const partner = rules.find((r: any) => rate(r)?.AggregateKeyType === 'CUSTOM_KEYS');
    expect(rate(partner)).toMatchObject({
      CustomKeys: [{ Header: { Name: 'x-prakerja-key-id' } }],
      ScopeDownStatement: {
        ByteMatchStatement: { SearchString: '/v1/partner/', FieldToMatch: { UriPath: {} } },
      },
    });
    for (const r of [ceiling, citizens, partner])
      expect(r.Action.Block.CustomResponse.ResponseCode).toBe(429);
    const managed = rules.map((r: any) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean);
    expect(managed).toEqual(MANAGED_RULE_GROUPS.map((g) => g.name));
    const [, association] = ofType('AWS::WAFv2::WebACLAssociation')[0]!;
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const [, logging] = ofType('AWS::WAFv2::LoggingConfiguration')[0]!;
    expect(logging.Properties.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const logGroupId = logging.Properties.LogDestinationConfigs[0]['Fn::Join'][1].at(-1).Ref;
    expect(resourcesOf(built.api)[logGroupId]!.Properties.LogGroupName).toBe(
      `aws-waf-logs-prakerja-${built.stage}`,
    );
    expect(logging.Properties.RedactedFields).toContainEqual({ SingleHeader: { Name: 'authorization' } });
  });
});

describe('functions', () => {
  it("run Node 24 on arm64 with X-Ray, source maps and their stack's log group with a retention", () => {
    const functions = appFunctions();
    expect(functions.length).toBeGreaterThan(built.api.api.functions.size);
    for (const [id, fn, stack] of functions) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      const logs = resourcesOf(stack)[fn.Properties.LoggingConfig.LogGroup.Ref]!;
      expect(logs.Properties.RetentionInDays).toBeGreaterThan(0);
      // AWS_PROFILE would make the credential chain skip the environment's keys.
      expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('AWS_PROFILE');
    }
  });

  it('are exactly the functions the bundles project builds and imports as Lambda would', () => {
    const deployed = deployedFunctions().map((f) => f.handler);
    expect(new Set(appFunctionsOf().map((fn) => handlerOf.get(fn)))).toEqual(new Set(deployed));
  });

  it('reserve concurrency for what must run during a rush, as declared', () => {
    const reserved = new Map<string, number>();
    for (const fn of appFunctionsOf()) {
      const value = resourceOf(fn).Properties.ReservedConcurrentExecutions;
      if (value !== undefined) reserved.set(handlerOf.get(fn)!, value);
    }
    expect(Object.fromEntries(reserved)).toEqual(RESERVED_CONCURRENCY);
    // A queue's senders at its mapping's maximum concurrency, all queues of a handler at once.
    for (const handler of ['payouts/dispatch', 'notifications/send-notices'])
      expect(reserved.get(handler), handler).toBe(
        queueConsumers.filter((c) => c.handler === handler).reduce((n, c) => n + c.maxConcurrency, 0),
      );
    // The account keeps most of its default 1,000 for the API.
    expect([...reserved.values()].reduce((a, b) => a + b, 0)).toBeLessThan(300);
  });

  it('share a role only with functions of the same stack that declare the same uses', () => {
    const byRole = new Map<string, Set<string>>();
    for (const fn of appFunctionsOf()) {
      const role = `${Stack.of(fn.role!).node.path}/${logicalId(fn.role!)}`;
      byRole.set(
        role,
        (byRole.get(role) ?? new Set()).add(JSON.stringify(declaredUses().get(handlerOf.get(fn)!))),
      );
    }
    for (const [role, uses] of byRole) expect(uses.size, role).toBe(1);
    expect(byRole.size).toBeLessThan(appFunctionsOf().length);
  });

  it('send new Outbox items from the stream with the mapping the local poller runs (platform/consumers.ts)', () => {
    const stack = built.workflows;
    const mappings = ofType('AWS::Lambda::EventSourceMapping', stack).filter(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(mapping.Properties).toMatchObject({
      StartingPosition: outboxConsumer.startingPosition,
      BatchSize: outboxConsumer.batchSize,
      BisectBatchOnFunctionError: outboxConsumer.bisectBatchOnError,
      MaximumRetryAttempts: outboxConsumer.retryAttempts,
      MaximumRecordAgeInSeconds: outboxConsumer.maxRecordAgeSeconds,
      FunctionResponseTypes: outboxConsumer.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(outboxConsumer.filter) }] },
    });
    const destination = getAtt(mapping.Properties.DestinationConfig.OnFailure.Destination);
    expect(resourcesOf(stack)[destination!]!.Type).toBe('AWS::SQS::Queue');
    expect(destination).toContain(outboxConsumer.failureQueue);
    const fn = resourcesOf(stack)[mapping.Properties.FunctionName.Ref]!;
    expect(fn.Properties).toMatchObject({
      Timeout: outboxConsumer.timeoutSeconds,
      MemorySize: outboxConsumer.memorySize,
      Environment: { Variables: { EMAIL_FROM: expect.stringContaining(cdkContext['prakerja:emailDomain']) } },
    });
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('SES_ENDPOINT');
    const statements = ofType('AWS::IAM::Policy', stack).flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'ses:SendEmail', Resource: expect.anything() }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sns:Publish', NotResource: expect.anything() }),
    );
  });
});

describe('queues', () => {
  it('builds every declared queue consumer (platform/queues.ts): queue, DLQ, mapping, function and alarms', () => {
    const stack = built.workflows;
    const resources = resourcesOf(stack);
    const sqsMappings = ofType('AWS::Lambda::EventSourceMapping', stack).filter(
      ([, m]) => resources[getAtt(m.Properties.EventSourceArn)!]?.Type === 'AWS::SQS::Queue',
    );
    expect(sqsMappings).toHaveLength(queueConsumers.length);
    const alarms = ofType('AWS::CloudWatch::Alarm', stack).map(([, a]) => a.Properties);
    for (const consumer of queueConsumers) {
      const queueId = logicalId(stack.queues.queues.get(consumer.queue) as any);
      const queue = resources[queueId]!;
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: consumer.visibilityTimeoutSeconds,
        RedrivePolicy: { maxReceiveCount: consumer.maxReceiveCount },
      });
      // Encrypted with the personal-data key of the data stack.
      expect(JSON.stringify(queue.Properties.KmsMasterKeyId)).toContain('Fn::ImportValue');
      const dlqId = getAtt(queue.Properties.RedrivePolicy.deadLetterTargetArn)!;
      expect(dlqId).toContain(functionId(dlqName(consumer.queue)));
      expect(resources[dlqId]!.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
      for (const id of [queueId, dlqId])
        expect(
          ofType('AWS::SQS::QueuePolicy', stack).some(
            ([, p]) =>
              p.Properties.Queues.some((q: any) => q.Ref === id) &&
              JSON.stringify(p.Properties.PolicyDocument).includes('aws:SecureTransport'),
          ),
          `${id} enforces SSL`,
        ).toBe(true);
      const [, mapping] = sqsMappings.find(([, m]) => getAtt(m.Properties.EventSourceArn) === queueId)!;
      expect(mapping.Properties).toMatchObject({
        BatchSize: consumer.batchSize,
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(consumer.maxBatchingWindowSeconds);
      const fnId = mapping.Properties.FunctionName.Ref;
      expect(resources[fnId]!.Properties).toMatchObject({
        Timeout: consumer.timeoutSeconds,
        MemorySize: consumer.memorySize,
      });
      // Lambda refuses a mapping whose queue hides a message for less than the function runs.
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(consumer.timeoutSeconds);
      const fn = stack.queues.functions.find((f) => logicalId(f) === fnId)!;
      expect(handlerOf.get(fn)).toBe(consumer.handler);
      const on = (metric: string, id: string) =>
        alarms.some((a) => a.MetricName === metric && a.Dimensions?.some((d: any) => getAtt(d.Value) === id));
      expect(on('ApproximateNumberOfMessagesVisible', dlqId), `${consumer.queue} DLQ alarm`).toBe(true);
      expect(on('ApproximateAgeOfOldestMessage', queueId), `${consumer.queue} age alarm`).toBe(true);
    }
  });

  it("alarms on the bulk notices' backlog and dead letters with their own runbook sections", () => {
    const stack = built.workflows;
    const alarms = ofType('AWS::CloudWatch::Alarm', stack).map(([, a]) => a.Properties);
    const sectionOn = (metric: string, id: string) =>
      alarms
        .filter((a) => a.MetricName === metric && a.Dimensions?.some((d: any) => getAtt(d.Value) === id))
        .map((a) => /#([a-z-]+)$/.exec(a.AlarmDescription)?.[1]);
    for (const consumer of noticeQueues) {
      const queueId = logicalId(stack.queues.queues.get(consumer.queue) as any);
      const dlqId = logicalId(stack.queues.queues.get(dlqName(consumer.queue)) as any);
      expect(sectionOn('ApproximateAgeOfOldestMessage', queueId), consumer.queue).toEqual(['notice-backlog']);
      expect(sectionOn('ApproximateNumberOfMessagesVisible', dlqId), consumer.queue).toEqual([
        'notices-dead-letters',
      ]);
    }
  });

  it('gives consumers that share a handler the same uses (they share its function)', () => {
    for (const c of queueConsumers)
      for (const d of queueConsumers.filter((d) => d.handler === c.handler)) expect(d.uses).toEqual(c.uses);
  });
});

describe('workflows and schedules', () => {
  it('deploys each workflow definition the local stack runs, each task on its own Lambda', () => {
    const stack = built.workflows;
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(Object.keys(workflows).length);
    const fnIds = new Set(stack.workflows.functions.map((fn) => logicalId(fn)));
    for (const [name, workflow] of Object.entries(workflows)) {
      const local = workflow.definition((task) => `\${${task}}`);
      const found = machines.find(
        ([, m]) => JSON.parse(m.Properties.DefinitionString).Comment === local.Comment,
      );
      expect(found, name).toBeDefined();
      const [, machine, machineStack] = found!;
      expect(machineStack).toBe(stack);
      // The definition is the local one: a TimeoutSeconds in it, not only in CDK's props.
      expect(JSON.parse(machine.Properties.DefinitionString)).toEqual(JSON.parse(JSON.stringify(local)));
      const substitutions = machine.Properties.DefinitionSubstitutions;
      expect(Object.keys(substitutions).sort()).toEqual(Object.keys(workflow.tasks).sort());
      for (const value of Object.values(substitutions)) expect(fnIds.has(getAtt(value)!)).toBe(true);
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
      });
    }
  });

  it("sends an execution that timed out or was stopped to its workflow's failure task", () => {
    const stack = built.workflows;
    const rules = ofType('AWS::Events::Rule', stack).filter(([, r]) => r.Properties.EventPattern);
    expect(rules).toHaveLength(Object.keys(workflows).length);
    for (const [name, workflow] of Object.entries(workflows)) {
      const machine = stack.workflows.machines.get(name as keyof typeof workflows)!;
      const [, rule] = rules.find(([, r]) =>
        JSON.stringify(r.Properties.EventPattern).includes(logicalId(machine)),
      )!;
      expect(rule.Properties.EventPattern).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [{ Ref: logicalId(machine) }], status: ['TIMED_OUT', 'ABORTED'] },
      });
      const failureFn = stack.workflows.functions.find(
        (fn) => handlerOf.get(fn) === workflow.tasks[workflow.failureTask],
      )!;
      expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [logicalId(failureFn), 'Arn'] });
    }
  });

  it('lets start-selection start executions and get-selection read them', () => {
    const actionsOf = (handler: string) => {
      const fn = built.api.api.functions.get(handler)!;
      const roleId = logicalId(fn.role!);
      return ofType('AWS::IAM::Policy', Stack.of(fn))
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Action));
    };
    expect(actionsOf('selection/start-selection')).toContain('states:StartExecution');
    expect(actionsOf('selection/get-selection')).toContain('states:DescribeExecution');
    expect(actionsOf('selection/get-selection')).not.toContain('states:StartExecution');
    const fn = built.api.api.functions.get('selection/start-selection')!;
    expect(
      JSON.stringify(resourceOf(fn).Properties.Environment.Variables.SELECTION_STATE_MACHINE_ARN),
    ).toMatch(/SelectionStateMachine/);
  });

  it('runs every declared schedule from an EventBridge rule at its rate', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    expect(rules).toHaveLength(schedules.length);
    for (const schedule of schedules)
      expect(rules.map(([, r]) => r.Properties)).toContainEqual(
        expect.objectContaining({
          ScheduleExpression: `rate(${schedule.rate.minutes} minutes)`,
          State: 'ENABLED',
        }),
      );
  });
});

/** Independent of the CDK code: each handler's uses from the shared declarations. */
function declaredUses(): Map<string, Uses> {
  return new Map<string, Uses>([
    ...[...new Set(deployedRoutes.map((r) => r.handler))].map(
      (h) => [h, mergeUses(...deployedRoutes.filter((r) => r.handler === h).map(routeUses))] as const,
    ),
    ...Object.values(workflows).flatMap((w) => Object.values(w.tasks).map((h) => [h, w.uses] as const)),
    ...schedules.map((s) => [s.handler, s.uses] as const),
    ...consumers.map((c) => [c.handler, c.uses] as const),
    ...queueConsumers.map((c) => [c.handler, c.uses] as const),
  ]);
}

describe('grants and environment, from what each function declares it uses', () => {
  const STREAM = /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/;

  it('grants each function exactly its declared uses and names exactly those resources in its environment', () => {
    const declared = declaredUses();
    const onFailure = new Set(
      ofType('AWS::Lambda::EventSourceMapping')
        .map(([, m]) => getAtt(m.Properties.DestinationConfig?.OnFailure?.Destination))
        .filter(Boolean),
    );
    let checked = 0;
    for (const fn of appFunctionsOf()) {
      const handler = handlerOf.get(fn)!;
      const uses = declared.get(handler);
      expect(uses, handler).toBeDefined();
      const roleId = logicalId(fn.role!);
      const statements = ofType('AWS::IAM::Policy', Stack.of(fn.role!))
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const actions = statements
        .flatMap((s: any) => [s.Action].flat())
        .filter((a: string) => !STREAM.test(a));
      const has = (action: string) => actions.includes(action);
      // The table's statements, item by item, are test/cdk/grants.test.ts's.
      expect(has('dynamodb:Scan'), `${handler} scans`).toBe(false);
      expect(has('secretsmanager:GetSecretValue'), `${handler} secrets`).toBe(
        !!uses!.secrets || !!uses!.payments || !!uses!.registry,
      );
      expect(has('states:StartExecution'), `${handler} starts`).toBe(
        Object.values(uses!.workflows ?? {}).includes('start'),
      );
      expect(has('states:DescribeExecution'), `${handler} describes`).toBe(!!uses!.workflows);
      expect(has('ses:SendEmail'), `${handler} email`).toBe(!!uses!.email);
      expect(has('sns:Publish'), `${handler} sms`).toBe(!!uses!.sms);
      const sends = statements
        .filter((st: any) => [st.Action].flat().includes('sqs:SendMessage'))
        .flatMap((st: any) => [st.Resource].flat())
        .filter((r: any) => !onFailure.has(getAtt(r)));
      const queueAccess = Object.values(uses!.queues ?? {}) as string[];
      expect(sends.length, `${handler} queues`).toBe(queueAccess.filter((a) => a === 'send').length);
      // A queue only counted: GetQueueAttributes on it, nothing more.
      const counts = statements
        .filter((st: any) => [st.Action].flat().includes('sqs:GetQueueAttributes'))
        .filter(
          (st: any) =>
            ![st.Action].flat().some((a: string) => a === 'sqs:SendMessage' || a === 'sqs:ReceiveMessage'),
        )
        .flatMap((st: any) => [st.Resource].flat());
      expect(counts.length, `${handler} counted queues`).toBe(
        queueAccess.filter((a) => a === 'count').length,
      );
      const env = Object.keys(resourceOf(fn).Properties.Environment.Variables);
      const resourceEnv = env.filter((name) =>
        /^(TABLE_NAME|SECRETS_ARN|EMAIL_FROM|\w+_STATE_MACHINE_ARN|PAYMENT_\w+|REGISTRY_\w+|\w+_QUEUE_URL)$/.test(
          name,
        ),
      );
      expect(resourceEnv.sort(), handler).toEqual(
        Object.keys(
          environmentFor(uses!, {
            tableName: '',
            secretsArn: '',
            stateMachineArn: () => '',
            emailFrom: '',
            queueUrl: () => '',
          }),
        ).sort(),
      );
      checked += 1;
    }
    expect(checked).toBe(appFunctions().length);
  });

  it('lets no signed partner GET write, and get-selection record a failure', () => {
    const declared = declaredUses();
    const writes = (handler: string) => tableAccess(declared.get(handler)!) === 'write';
    expect(writes('catalog/get-course')).toBe(false);
    expect(writes('purchases/get-purchase')).toBe(false);
    expect(writes('selection/get-selection')).toBe(true);
    expect(declared.get('docs/get-openapi')).toEqual({});
  });
});

describe('alarms', () => {
  const alarms = () =>
    ofType('AWS::CloudWatch::Alarm').map(([id, a, stack]) => ({ id, ...a.Properties, stack }));

  it('send every alarm to the encrypted topic, each naming a runbook section that exists', () => {
    const [topicId, topic] = ofType('AWS::SNS::Topic', built.data)[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const runbook = readFileSync(new URL(`../../${RUNBOOK}`, import.meta.url), 'utf8');
    const sections = new Set(
      [...runbook.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, alarm.id).toHaveLength(1);
      expect(JSON.stringify(alarm.AlarmActions), alarm.id).toContain(
        alarm.stack === built.data ? topicId : 'ImportValue',
      );
      const section = /Runbook: docs\/runbook\.md#([a-z0-9-]+)/.exec(alarm.AlarmDescription)?.[1];
      expect(section, alarm.id).toBeDefined();
      expect(sections.has(section!), `${alarm.id}: ${section}`).toBe(true);
    }
  });

  it('watch the API, the table, Lambda, every workflow, task and consumer, the stream and SES', () => {
    const all = alarms();
    const named = (metric: string, namespace: string) =>
      all.filter((a) => a.MetricName === metric && a.Namespace === namespace);
    expect(named('5XXError', 'AWS/ApiGateway')).toHaveLength(1);
    expect(named('Throttles', 'AWS/Lambda').filter((a) => !a.Dimensions)).toHaveLength(1);
    expect(all.some((a) => a.Metrics?.some((m: any) => /ThrottleEvents/.test(JSON.stringify(m))))).toBe(true);
    expect(named('ExecutionsFailed', 'AWS/States')).toHaveLength(Object.keys(workflows).length);
    expect(named('ExecutionsTimedOut', 'AWS/States')).toHaveLength(Object.keys(workflows).length);
    expect(named('IteratorAge', 'AWS/Lambda')).toHaveLength(1);
    expect(named('Reputation.BounceRate', 'AWS/SES')).toHaveLength(1);
    expect(named('Reputation.ComplaintRate', 'AWS/SES')).toHaveLength(1);
    expect(named('SMSMonthToDateSpentUSD', 'AWS/SNS')).toHaveLength(1);
    // Every function no caller waits for: workflow tasks, consumers, schedules, the sender.
    const errors = new Set(named('Errors', 'AWS/Lambda').map((a) => JSON.stringify(a.Dimensions)));
    const background = [
      ...built.workflows.workflows.functions,
      ...built.workflows.queues.functions,
      ...built.workflows.schedules.functions,
      built.workflows.notifications.sender,
    ];
    for (const fn of background)
      expect(
        errors.has(JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }])),
        fn.node.id,
      ).toBe(true);
  });
});

describe('web', () => {
  const apiId = () => logicalId(built.api.api.api);
  /** A Fn::Join with each reference written `${Id}`, to compare with the shared strings. */
  const joined = (value: any): string =>
    typeof value === 'string'
      ? value
      : value['Fn::Join'][1]
          .map((part: any) => (typeof part === 'string' ? part : `\${${part.Ref}}`))
          .join('');
  const config = (d: Distribution) => resourceOf(d).Properties.DistributionConfig;
  const requestFunction = (d: Distribution) => {
    const [association] = config(d).DefaultCacheBehavior.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const fn = resourcesOf(built.api)[getAtt(association.FunctionARN)!]!;
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    return new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => any;
  };

  it('serves the citizens and the console from two distributions, HTTPS only, HTTP/2 and 3', () => {
    for (const d of [built.api.web.distribution, built.api.web.console])
      expect(config(d)).toMatchObject({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] },
      });
  });

  it("keeps the console off the citizens' origin, and serves it at / of its own", () => {
    const citizens = requestFunction(built.api.web.distribution);
    const request = (path: string) => ({ request: { uri: path } });
    expect(citizens(request('/admin/')).statusCode).toBe(404);
    expect(citizens(request('/admin')).statusCode).toBe(404);
    expect(citizens(request('/admin/index.html')).statusCode).toBe(404);
    expect(citizens(request('/')).uri).toBe('/');
    expect(citizens(request('/administrator')).uri).toBe('/administrator');
    expect(citizens(request('/%61dmin/index.html')).statusCode).toBe(404);
    expect(citizens(request('/assets/..%2fadmin/index.html')).statusCode).toBe(404);
    const console_ = requestFunction(built.api.web.console);
    expect(console_(request('/')).uri).toBe('/admin/index.html');
    for (const path of ['/admin', '/admin/', '/admin/index.html'])
      expect(console_(request(path))).toMatchObject({
        statusCode: 301,
        headers: { location: { value: '/' } },
      });
    expect(console_(request('/assets/app-1234.js')).uri).toBe('/assets/app-1234.js');
    expect(console_(request('/config.json')).uri).toBe('/config.json');
    for (const path of ['/index.html', '/citizen', '/assets/..%2findex.html'])
      expect(console_(request(path)).statusCode, path).toBe(404);
    expect(CITIZENS_REQUEST_FUNCTION).not.toBe(CONSOLE_INDEX_FUNCTION);
  });

  it('sends the security headers of platform/http/web-headers.ts, the CSP connecting to the API origin', () => {
    const policyId = config(built.api.web.distribution).DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
    expect(config(built.api.web.console).DefaultCacheBehavior.ResponseHeadersPolicyId.Ref).toBe(policyId);
    const policy = resourcesOf(built.api)[policyId]!;
    expect(policy.Type).toBe('AWS::CloudFront::ResponseHeadersPolicy');
    const headersConfig = policy.Properties.ResponseHeadersPolicyConfig;
    const security = headersConfig.SecurityHeadersConfig;
    const apiOrigin = `https://\${${apiId()}}.execute-api.${built.api.region}.\${AWS::URLSuffix}`;
    const csp = joined(security.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toBe(contentSecurityPolicy(apiOrigin));
    expect(csp).toContain("frame-ancestors 'none'");
    const headers = webSecurityHeaders(apiOrigin);
    const hsts = WEB_SECURITY_HEADERS.strictTransportSecurity;
    expect(security).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: hsts.maxAgeSeconds,
        IncludeSubdomains: true,
        Preload: true,
        Override: true,
      },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: headers['referrer-policy'], Override: true },
    });
    expect(headersConfig.CustomHeadersConfig.Items).toEqual([
      { Header: 'permissions-policy', Value: headers['permissions-policy'], Override: true },
    ]);
  });

  it('keeps the bucket private: public access blocked, TLS only, readable by the two distributions through OAC only', () => {
    const bucketId = logicalId(built.api.web.bucket);
    const bucket = resourcesOf(built.api)[bucketId]!;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
    });
    for (const d of [built.api.web.distribution, built.api.web.console]) {
      const [origin] = config(d).Origins;
      expect(origin.DomainName['Fn::GetAtt']).toEqual([bucketId, 'RegionalDomainName']);
      expect(
        resourcesOf(built.api)[getAtt(origin.OriginAccessControlId)!]!.Properties.OriginAccessControlConfig,
      ).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
    }
    const [, policy] = ofType('AWS::S3::BucketPolicy', built.api).find(
      ([, p]) => p.Properties.Bucket.Ref === bucketId,
    )!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const allows = statements.filter((st: any) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const allow of allows)
      expect(allow).toMatchObject({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      });
    const allowed = JSON.stringify(allows.map((a: any) => a.Condition));
    for (const d of [built.api.web.distribution, built.api.web.console])
      expect(allowed).toContain(`{"Ref":"${logicalId(d)}"}`);
    expect(
      statements.some(
        (st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    ).toBe(true);
  });

  it('deploys the build: hashed assets cached for a year, the pages and config.json (the API URL) revalidated', () => {
    const all = ofType('Custom::CDKBucketDeployment', built.api);
    const deployments = all.map(([, d]) => d.Properties);
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Include?.includes('assets/*'))!;
    expect(assets).toMatchObject({
      Exclude: ['*'],
      Prune: false,
      SystemMetadata: { 'cache-control': WEB_CACHE_CONTROL.immutable },
    });
    const pages = deployments.find((d) => d !== assets)!;
    const [assetsId] = all.find(([, d]) => d.Properties === assets)!;
    expect([all.find(([, d]) => d.Properties === pages)![1].DependsOn].flat()).toContain(assetsId);
    expect(pages).toMatchObject({
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': WEB_CACHE_CONTROL.revalidate },
    });
    expect(pages.SourceObjectKeys).toHaveLength(2);
    const stageId = logicalId(built.api.api.stage);
    expect(Object.values(pages.SourceMarkers[1])).toEqual(
      expect.arrayContaining([{ Ref: apiId() }, { Ref: stageId }]),
    );
    for (const d of deployments) expect(d.DestinationBucketName.Ref).toBe(logicalId(built.api.web.bucket));
    expect(ofType('AWS::Lambda::Function').filter(([id]) => BUCKET_DEPLOYMENT.test(id))).toHaveLength(1);
  });
});

describe('template', () => {
  it('has no dependency cycle within a stack (the CSP names the API, the API names the distributions)', () => {
    for (const [stack, t] of templates) {
      const ids = new Set(Object.keys(t.Resources));
      const refs = (value: any, found: Set<string>): Set<string> => {
        if (Array.isArray(value)) for (const v of value) refs(v, found);
        else if (value && typeof value === 'object')
          for (const [key, v] of Object.entries(value)) {
            if (key === 'Ref' && ids.has(v as string)) found.add(v as string);
            else if (key === 'Fn::GetAtt' && ids.has((v as string[])[0]!)) found.add((v as string[])[0]!);
            else refs(v, found);
          }
        return found;
      };
      const edges = new Map(
        Object.entries(t.Resources).map(([id, r]) => [
          id,
          [...refs(r.Properties ?? {}, new Set([r.DependsOn ?? []].flat()))],
        ]),
      );
      const state = new Map<string, 'open' | 'done'>();
      const visit = (id: string, path: string[]): void => {
        if (state.get(id) === 'done') return;
        if (state.get(id) === 'open')
          throw new Error(`${stack.node.path} cycle: ${[...path, id].join(' -> ')}`);
        state.set(id, 'open');
        for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
        state.set(id, 'done');
      };
      for (const id of edges.keys()) visit(id, []);
    }
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions finding in any stack', () => {
    for (const stack of stacksOf(built.app).filter((s) => !s.nestedStackParent)) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`),
        stack.stackName,
      ).toEqual([]);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type CfnElement, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPathVariables } from '#cdk/constructs/api.ts';
import { BUNDLE_BUDGET_KB, NOT_REACHED_ON_LAMBDA } from '#cdk/constructs/bundling.ts';
import { functionId, handlerOf } from '#cdk/constructs/function.ts';
import { ADMIN_INDEX_FUNCTION } from '#cdk/constructs/web.ts';
import { buildApp, type PrakerjaStack } from '#cdk/stack.ts';
import { consumers, outboxConsumer } from '#shared/consumers.ts';
import { deployedRoutes, routes } from '#shared/contracts/routes.ts';
import {
  contentSecurityPolicy,
  WEB_CACHE_CONTROL,
  WEB_SECURITY_HEADERS,
  webSecurityHeaders,
} from '#shared/http/web-headers.ts';
import { dlqName, queueConsumers } from '#shared/queues.ts';
import { schedules } from '#shared/schedules.ts';
import { TABLE } from '#shared/store/table.ts';
import { environmentFor, mergeUses, routeUses, tableAccess, type Uses } from '#shared/uses.ts';
import { workflows } from '#shared/workflows/registry.ts';

// One synthesis (with real esbuild bundling) for the whole file.
let stack: PrakerjaStack;
let template: Template;
let resources: Record<
  string,
  { Type: string; Properties: any; DeletionPolicy?: string; DependsOn?: string | string[] }
>;
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

beforeAll(() => {
  stack = buildApp(cdkContext).stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The app's own functions: all but BucketDeployment's handler (aws-cdk-lib's, for the web). */
const BUCKET_DEPLOYMENT = /^CustomCDKBucketDeployment/;
const appFunctions = () => ofType('AWS::Lambda::Function').filter(([id]) => !BUCKET_DEPLOYMENT.test(id));
const logicalId = (element: CfnElement | undefined) => stack.getLogicalId(element!);
const getAtt = (value: any): string | undefined => value?.['Fn::GetAtt']?.[0];

/** `METHOD /path` of every API Gateway method in the template (CORS preflights apart). */
function templateRoutes(): string[] {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const resource = resources[id]!;
    expect(resource.Type).toBe('AWS::ApiGateway::Resource');
    const parent = resource.Properties.ParentId;
    const parentPath = parent.Ref ? pathOf(parent.Ref) : ''; // GetAtt RootResourceId: the root
    const path = `${parentPath}/${resource.Properties.PathPart}`;
    paths.set(id, path);
    return path;
  };
  const methods = ofType('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS');
  return methods.map(([, m]) => {
    const id = m.Properties.ResourceId.Ref;
    return `${m.Properties.HttpMethod} ${id ? pathOf(id) : '/'}`;
  });
}

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
    const key = resources[getAtt(sse.KMSMasterKeyId)!]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('keeps the key material in one secret, encrypted with the customer key, with the three keys', () => {
    const secretId = logicalId(
      stack.node.findChild('Keys').node.findChild('KeyMaterial').node.defaultChild as CfnElement,
    );
    const secret = resources[secretId]!;
    expect(resources[getAtt(secret.Properties.KmsKeyId)!]!.Type).toBe('AWS::KMS::Key');
    const text = JSON.stringify(secret.Properties.SecretString);
    for (const field of ['jwtKey', 'lookupKey', 'dataKey'])
      expect(text).toContain(`${field}\\":\\"{{resolve:secretsmanager:`);
    // Every generated part is 43 base64 characters: exactly 32 bytes once decoded.
    const parts = ofType('AWS::SecretsManager::Secret').filter(
      ([id]) => id !== secretId && id.startsWith('Keys'),
    );
    expect(parts).toHaveLength(3);
    for (const [, s] of parts) {
      expect(s.Properties.GenerateSecretString).toMatchObject({
        PasswordLength: 43,
        ExcludePunctuation: true,
      });
    }
  });
});

describe('payment partners', () => {
  it("keeps the partners' credentials in one secret encrypted with the customer key, endpoints from cdk.json", () => {
    const partners = stack.node.findChild('PaymentPartners');
    const secretId = logicalId(partners.node.findChild('Credentials').node.defaultChild as CfnElement);
    const secret = resources[secretId]!;
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(resources[getAtt(secret.Properties.KmsKeyId)!]!.Type).toBe('AWS::KMS::Key');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect((partners as unknown as { endpoints: Record<string, string> }).endpoints).toEqual(
      cdkContext['prakerja:paymentPartnerEndpoints'],
    );
  });

  it('refuses at synth a partner without an https endpoint', () => {
    const endpoints = { ...cdkContext['prakerja:paymentPartnerEndpoints'], bni: 'http://bni.example' };
    expect(() => buildApp({ ...cdkContext, 'prakerja:paymentPartnerEndpoints': endpoints })).toThrow(
      /bni needs an https/,
    );
  });
});

describe('api', () => {
  it('deploys exactly the routes the local runtime serves, minus the local-only ones', () => {
    const local = routes.filter((r) => !r.localOnly).map((r) => `${r.method} ${r.path}`);
    const deployed = deployedRoutes.map((r) => `${r.method} ${r.path}`);
    expect(templateRoutes().sort()).toEqual(deployed.sort());
    expect(deployed.sort()).toEqual(local.sort());
    expect(templateRoutes().filter((r) => r.includes('/_local'))).toEqual([]);
    for (const r of routes.filter((r) => r.localOnly)) expect(r.path).toMatch(/^\/_local\//);
  });

  it('refuses at synth two path variables at one level, which API Gateway would refuse at deploy', () => {
    const at = (path: string) => ({ ...deployedRoutes[0]!, path });
    expect(() => checkPathVariables([at('/v1/x/{id}'), at('/v1/x/{id}/y')])).not.toThrow();
    expect(() => checkPathVariables([at('/v1/x/{id}'), at('/v1/x/{xId}/y')])).toThrow(/\{xId\} and \{id\}/);
  });

  it('sends each route to the function of its handler module, as a Lambda proxy', () => {
    for (const route of deployedRoutes) {
      const fnId = logicalId(stack.api.functions.get(route.handler)!.node.defaultChild as CfnElement);
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: route.method,
        OperationName: route.operationId,
        Integration: {
          Type: 'AWS_PROXY',
          Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [fnId, 'Arn'] }])] },
        },
      });
    }
    expect(stack.api.functions.size).toBe(new Set(deployedRoutes.map((r) => r.handler)).size);
  });

  it("answers preflights for the web origin only (the distribution's), and lets it read gateway refusals", () => {
    const [distributionId] = ofType('AWS::CloudFront::Distribution')[0]!;
    const origin = { 'Fn::Join': ['', ["'https://", { 'Fn::GetAtt': [distributionId, 'DomainName'] }, "'"]] };
    const options = ofType('AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties.HttpMethod === 'OPTIONS',
    );
    expect(options.length).toBeGreaterThan(0);
    for (const [, m] of options) {
      const headers = m.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toEqual(origin);
    }
    const refusals = ofType('AWS::ApiGateway::GatewayResponse');
    expect(refusals.length).toBeGreaterThan(0);
    for (const [, r] of refusals)
      expect(r.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toEqual(
        origin,
      );
    // The handlers compare the request's Origin with the same value.
    for (const [, fn] of appFunctions().filter(([, f]) => f.Properties.Environment.Variables.WEB_ORIGIN))
      expect(fn.Properties.Environment.Variables.WEB_ORIGIN).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
      });
    expect(JSON.stringify(options)).not.toContain("'*'");
  });

  it('takes the CORS origin from prakerja:webOrigin when it is given (a custom domain)', () => {
    // Construction only, no bundling: the origin the API was given.
    const custom = buildApp({
      ...cdkContext,
      'prakerja:webOrigin': 'https://prakerja.example',
      'aws:cdk:bundling-stacks': [],
    }).stack;
    expect(custom.api.webOrigin).toBe('https://prakerja.example');
  });

  it('logs, traces and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        }),
      ],
    });
  });

  it('rate-limits partners per key id on /v1/partner/ and everyone else per IP, in a WAF on the stage', () => {
    const [aclId, acl] = ofType('AWS::WAFv2::WebACL')[0]!;
    const rules = acl.Properties.Rules;
    const partner = rules.find(
      (r: any) => r.Statement.RateBasedStatement?.AggregateKeyType === 'CUSTOM_KEYS',
    );
    expect(partner.Statement.RateBasedStatement).toMatchObject({
      CustomKeys: [{ Header: { Name: 'x-prakerja-key-id' } }],
      ScopeDownStatement: {
        ByteMatchStatement: { SearchString: '/v1/partner/', FieldToMatch: { UriPath: {} } },
      },
    });
    expect(partner.Action.Block.CustomResponse.ResponseCode).toBe(429);
    expect(rules.some((r: any) => r.Statement.RateBasedStatement?.AggregateKeyType === 'IP')).toBe(true);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });
});

describe('functions', () => {
  it('run Node 24 on arm64 with X-Ray, source maps and a log group with retention', () => {
    const functions = appFunctions();
    expect(functions.length).toBeGreaterThan(stack.api.functions.size);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      // Every function logs to the one log group, which has a retention.
      const logs = resources[fn.Properties.LoggingConfig.LogGroup.Ref]!;
      expect(logs.Properties.RetentionInDays).toBeGreaterThan(0);
      expect(fn.Properties.LoggingConfig.LogGroup.Ref).toBe(
        functions[0]![1].Properties.LoggingConfig.LogGroup.Ref,
      );
    }
  });

  it('send new Outbox items from the stream with the mapping the local poller runs (shared/consumers.ts)', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => m.Properties.EventSourceArn['Fn::GetAtt']?.[1] === 'StreamArn',
    );
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(getAtt(mapping.Properties.EventSourceArn)).toBe(ofType('AWS::DynamoDB::Table')[0]![0]);
    expect(mapping.Properties).toMatchObject({
      StartingPosition: outboxConsumer.startingPosition,
      BatchSize: outboxConsumer.batchSize,
      BisectBatchOnFunctionError: outboxConsumer.bisectBatchOnError,
      MaximumRetryAttempts: outboxConsumer.retryAttempts,
      MaximumRecordAgeInSeconds: outboxConsumer.maxRecordAgeSeconds,
      FunctionResponseTypes: outboxConsumer.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(outboxConsumer.filter) }] },
    });
    // The on-failure destination is the queue named by the declaration.
    const destination = getAtt(mapping.Properties.DestinationConfig.OnFailure.Destination);
    expect(resources[destination!]!.Type).toBe('AWS::SQS::Queue');
    expect(destination).toContain(outboxConsumer.failureQueue);
    const fn = resources[mapping.Properties.FunctionName.Ref]!;
    expect(fn.Properties).toMatchObject({
      Timeout: outboxConsumer.timeoutSeconds,
      MemorySize: outboxConsumer.memorySize,
      Environment: { Variables: { EMAIL_FROM: expect.stringContaining(cdkContext['prakerja:emailDomain']) } },
    });
    // On AWS the SDK clients use their default endpoints.
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('SES_ENDPOINT');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ses:SendEmail',
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
          Match.objectLike({ Action: 'sns:Publish', NotResource: Match.anyValue() }),
        ]),
      },
    });
  });
});

describe('queues', () => {
  it('builds every declared queue consumer (shared/queues.ts): queue, DLQ, mapping and function', () => {
    const sqsMappings = ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => resources[getAtt(m.Properties.EventSourceArn)!]?.Type === 'AWS::SQS::Queue',
    );
    expect(sqsMappings).toHaveLength(queueConsumers.length);
    for (const consumer of queueConsumers) {
      const queueId = logicalId(stack.queues.queues.get(consumer.queue)!.node.defaultChild as CfnElement);
      const queue = resources[queueId]!;
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: consumer.visibilityTimeoutSeconds,
        RedrivePolicy: { maxReceiveCount: consumer.maxReceiveCount },
      });
      expect(resources[getAtt(queue.Properties.KmsMasterKeyId)!]!.Type).toBe('AWS::KMS::Key');
      const dlqId = getAtt(queue.Properties.RedrivePolicy.deadLetterTargetArn)!;
      expect(dlqId).toContain(functionId(dlqName(consumer.queue)));
      expect(resources[dlqId]!.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(resources[getAtt(resources[dlqId]!.Properties.KmsMasterKeyId)!]!.Type).toBe('AWS::KMS::Key');
      // Both refuse plain HTTP.
      for (const id of [queueId, dlqId])
        expect(
          ofType('AWS::SQS::QueuePolicy').some(
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
      const fn = stack.queues.functions.find((f) => logicalId(f.node.defaultChild as CfnElement) === fnId)!;
      expect(handlerOf.get(fn)).toBe(consumer.handler);
      // Its DLQ alarms when a message lands there.
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      expect(
        alarms.some(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            a.Dimensions?.some((d: any) => getAtt(d.Value) === dlqId),
        ),
        `${consumer.queue} DLQ alarm`,
      ).toBe(true);
    }
  });

  it('gives consumers that share a handler the same uses (they share its function)', () => {
    for (const c of queueConsumers)
      for (const d of queueConsumers.filter((d) => d.handler === c.handler)) expect(d.uses).toEqual(c.uses);
  });
});

describe('workflows and schedules', () => {
  it('deploys each workflow definition the local stack runs, each task on its own Lambda', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(Object.keys(workflows).length);
    const fnIds = new Set(
      stack.workflows.functions.map((fn) => logicalId(fn.node.defaultChild as CfnElement)),
    );
    for (const [name, workflow] of Object.entries(workflows)) {
      const local = workflow.definition((task) => `\${${task}}`);
      const found = machines.find(
        ([, m]) => JSON.parse(m.Properties.DefinitionString).Comment === local.Comment,
      );
      expect(found, name).toBeDefined();
      const [, machine] = found!;
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

  it('lets start-selection start executions and get-selection read them', () => {
    const machineId = ofType('AWS::StepFunctions::StateMachine')[0]![0];
    const actionsOf = (handler: string) => {
      const roleId = logicalId(stack.api.functions.get(handler)!.role!.node.defaultChild as CfnElement);
      const [, policy] = ofType('AWS::IAM::Policy').find(([, p]) => p.Properties.Roles[0].Ref === roleId)!;
      return policy.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Action);
    };
    expect(actionsOf('selection/start-selection')).toContain('states:StartExecution');
    expect(actionsOf('selection/get-selection')).toContain('states:DescribeExecution');
    expect(actionsOf('selection/get-selection')).not.toContain('states:StartExecution');
    const env = stack.api.functions.get('selection/start-selection')!.node.defaultChild as any;
    expect(
      template.toJSON().Resources[logicalId(env)].Properties.Environment.Variables
        .SELECTION_STATE_MACHINE_ARN,
    ).toEqual({
      Ref: machineId,
    });
  });

  it('runs every declared schedule from an EventBridge rule at its rate', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(schedules.length);
    for (const schedule of schedules) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${schedule.rate.minutes} minutes)`,
        State: 'ENABLED',
      });
    }
  });
});

describe('grants and environment, from what each function declares it uses', () => {
  // Independent of the CDK code: the expected uses come from the shared declarations.
  const declared = new Map<string, Uses>([
    ...[...new Set(deployedRoutes.map((r) => r.handler))].map(
      (h) => [h, mergeUses(...deployedRoutes.filter((r) => r.handler === h).map(routeUses))] as const,
    ),
    ...Object.values(workflows).flatMap((w) => Object.values(w.tasks).map((h) => [h, w.uses] as const)),
    ...schedules.map((s) => [s.handler, s.uses] as const),
    ...consumers.map((c) => [c.handler, c.uses] as const),
    ...queueConsumers.map((c) => [c.handler, c.uses] as const),
  ]);
  const STREAM = /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/;
  const ON_FAILURE = new Set<string>();
  beforeAll(() => {
    for (const [, m] of ofType('AWS::Lambda::EventSourceMapping')) {
      const destination = getAtt(m.Properties.DestinationConfig?.OnFailure?.Destination);
      if (destination) ON_FAILURE.add(destination);
    }
  });

  it('grants each function exactly its declared uses and names exactly those resources in its environment', () => {
    const functions = appFunctions();
    let checked = 0;
    for (const fn of stack.node.findAll()) {
      if (!(fn instanceof NodejsFunction)) continue;
      const handler = handlerOf.get(fn)!;
      const uses = declared.get(handler);
      expect(uses, handler).toBeDefined();
      const roleId = logicalId(fn.role!.node.defaultChild as CfnElement);
      const actions = ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()))
        .filter((a: string) => !STREAM.test(a));
      const has = (action: string) => actions.includes(action);
      // The table's statements, item by item, are test/cdk/grants.test.ts's.
      expect(has('dynamodb:Scan'), `${handler} scans`).toBe(false);
      expect(has('secretsmanager:GetSecretValue'), `${handler} secrets`).toBe(
        !!uses!.secrets || !!uses!.payments,
      );
      expect(has('states:StartExecution'), `${handler} starts`).toBe(
        Object.values(uses!.workflows ?? {}).includes('start'),
      );
      expect(has('states:DescribeExecution'), `${handler} describes`).toBe(!!uses!.workflows);
      expect(has('ses:SendEmail'), `${handler} email`).toBe(!!uses!.email);
      expect(has('sns:Publish'), `${handler} sms`).toBe(!!uses!.sms);
      // Sending to exactly the declared queues (receiving from a consumed queue, and sending to
      // a stream mapping's on-failure destination, are the event source's own grants).
      const sends = ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => [st.Action].flat().includes('sqs:SendMessage'))
        .flatMap((st: any) => [st.Resource].flat().map(getAtt))
        .filter((id: string | undefined) => !ON_FAILURE.has(id!));
      expect(sends.sort(), `${handler} queues`).toEqual(
        Object.keys(uses!.queues ?? {})
          .map((name) => logicalId(stack.queues.queues.get(name)!.node.defaultChild as CfnElement))
          .sort(),
      );
      const [, cfn] = functions.find(([id]) => id === logicalId(fn.node.defaultChild as CfnElement))!;
      const env = Object.keys(cfn.Properties.Environment.Variables);
      const resourceEnv = env.filter((name) =>
        /^(TABLE_NAME|SECRETS_ARN|EMAIL_FROM|\w+_STATE_MACHINE_ARN|PAYMENT_\w+|\w+_QUEUE_URL)$/.test(name),
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
    expect(checked).toBe(functions.length);
  });

  it('lets no signed partner GET write, and get-selection record a failure', () => {
    const writes = (handler: string) => tableAccess(declared.get(handler)!) === 'write';
    expect(writes('catalog/get-course')).toBe(false);
    expect(writes('purchases/get-purchase')).toBe(false);
    expect(writes('selection/get-selection')).toBe(true);
    expect(declared.get('docs/get-openapi')).toEqual({});
  });
});

describe('observability', () => {
  it('alarms on API 5xx, Lambda throttles and DynamoDB throttles, into an encrypted topic', () => {
    const [topicId, topic] = ofType('AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarms.some((a) => a.MetricName === '5XXError' && a.Namespace === 'AWS/ApiGateway')).toBe(true);
    // One alarm over every function's throttles: the account-level metric, no dimension.
    const throttled = alarms.filter((a) => a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda');
    expect(throttled).toHaveLength(1);
    expect(throttled[0].Dimensions).toBeUndefined();
    const tableAlarm = alarms.find((a) =>
      a.Metrics?.some((m: any) => /ThrottleEvents/.test(JSON.stringify(m))),
    );
    expect(tableAlarm).toBeDefined();
  });
});

describe('web', () => {
  const distribution = () => ofType('AWS::CloudFront::Distribution')[0]!;
  const apiId = () => logicalId(stack.api.api.node.defaultChild as CfnElement);
  /** A Fn::Join with each reference written `${Id}`, to compare with the shared strings. */
  const joined = (value: any): string =>
    typeof value === 'string'
      ? value
      : value['Fn::Join'][1]
          .map((part: any) => (typeof part === 'string' ? part : `\${${part.Ref}}`))
          .join('');

  it('serves the front end from one distribution, HTTPS only, HTTP/2 and 3, index.html at /', () => {
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(1);
    const config = distribution()[1].Properties.DistributionConfig;
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] },
    });
    expect(config.CacheBehaviors ?? []).toEqual([]);
    expect(resources[config.Logging.Bucket['Fn::GetAtt'][0]]!.Type).toBe('AWS::S3::Bucket');
  });

  it('sends the security headers of shared/http/web-headers.ts, the CSP connecting to the API origin', () => {
    const policyId =
      distribution()[1].Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
    const policy = resources[policyId]!;
    expect(policy.Type).toBe('AWS::CloudFront::ResponseHeadersPolicy');
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    const security = config.SecurityHeadersConfig;
    const apiOrigin = `https://\${${apiId()}}.execute-api.${stack.region}.\${AWS::URLSuffix}`;
    const csp = joined(security.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toBe(contentSecurityPolicy(apiOrigin));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ${apiOrigin};`);
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
    expect(headers['strict-transport-security']).toBe(
      `max-age=${hsts.maxAgeSeconds}; includeSubDomains; preload`,
    );
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(config.CustomHeadersConfig.Items).toEqual([
      { Header: 'permissions-policy', Value: headers['permissions-policy'], Override: true },
    ]);
  });

  it('keeps the bucket private: public access blocked, TLS only, readable by this distribution through OAC only', () => {
    const config = distribution()[1].Properties.DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    const [origin] = config.Origins;
    const bucketId = origin.DomainName['Fn::GetAtt'][0];
    expect(origin.DomainName['Fn::GetAtt'][1]).toBe('RegionalDomainName');
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(
      resources[getAtt(origin.OriginAccessControlId)!]!.Properties.OriginAccessControlConfig,
    ).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const bucket = resources[bucketId]!;
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
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const allows = statements.filter((st: any) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allows[0].Condition)).toContain(`{"Ref":"${distribution()[0]}"}`);
    expect(
      statements.some(
        (st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    ).toBe(true);
  });

  it('maps /admin and /admin/ to the console page in a viewer-request function', () => {
    const [association] =
      distribution()[1].Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const fn = resources[getAtt(association.FunctionARN)!]!;
    expect(fn.Properties.FunctionCode).toBe(ADMIN_INDEX_FUNCTION);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const handler = new Function(`${ADMIN_INDEX_FUNCTION}; return handler;`)() as (e: unknown) => {
      uri: string;
    };
    const uri = (path: string) => handler({ request: { uri: path } }).uri;
    expect(uri('/admin')).toBe('/admin/index.html');
    expect(uri('/admin/')).toBe('/admin/index.html');
    expect(uri('/')).toBe('/');
    expect(uri('/assets/app-1234.js')).toBe('/assets/app-1234.js');
    expect(uri('/administrator')).toBe('/administrator');
  });

  it('deploys the build: hashed assets cached for a year, the pages and config.json (the API URL) revalidated', () => {
    const all = ofType('Custom::CDKBucketDeployment');
    const deployments = all.map(([, d]) => d.Properties);
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.Include?.includes('assets/*'))!;
    expect(assets).toMatchObject({
      Exclude: ['*'],
      Prune: false,
      SystemMetadata: { 'cache-control': WEB_CACHE_CONTROL.immutable },
    });
    const pages = deployments.find((d) => d !== assets)!;
    // The pages are copied after the assets they name.
    const [assetsId] = all.find(([, d]) => d.Properties === assets)!;
    expect([all.find(([, d]) => d.Properties === pages)![1].DependsOn].flat()).toContain(assetsId);
    expect(pages).toMatchObject({
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': WEB_CACHE_CONTROL.revalidate },
    });
    // The build, and config.json whose apiUrl is resolved at deploy: the API id and its stage.
    expect(pages.SourceObjectKeys).toHaveLength(2);
    expect(pages.SourceObjectKeys[0]).toBe(assets.SourceObjectKeys[0]);
    const stageId = logicalId(stack.api.api.deploymentStage.node.defaultChild as CfnElement);
    expect(Object.values(pages.SourceMarkers[1])).toEqual(
      expect.arrayContaining([{ Ref: apiId() }, { Ref: stageId }]),
    );
    for (const d of deployments)
      expect(d.DestinationBucketName.Ref).toBe(logicalId(stack.web.bucket.node.defaultChild as CfnElement));
    // BucketDeployment's handler is the only function that is not the app's.
    expect(ofType('AWS::Lambda::Function').filter(([id]) => BUCKET_DEPLOYMENT.test(id))).toHaveLength(1);
  });
});

describe('template', () => {
  it("stays under CloudFormation's 500 resources", () => {
    // Printed for the README and the next addition's budget (a nested stack past ~490).
    console.log(`CloudFormation resources: ${Object.keys(resources).length} of 500`);
    expect(Object.keys(resources).length).toBeLessThan(500);
  });

  it('has no dependency cycle (the CSP names the API, the API names the distribution)', () => {
    const ids = new Set(Object.keys(resources));
    const refs = (value: any, found: Set<string>): Set<string> => {
      if (Array.isArray(value)) for (const v of value) refs(v, found);
      else if (value && typeof value === 'object')
        for (const [key, v] of Object.entries(value)) {
          if (key === 'Ref' && ids.has(v as string)) found.add(v as string);
          else if (key === 'Fn::GetAtt') found.add((v as string[])[0]!);
          else refs(v, found);
        }
      return found;
    };
    const edges = new Map(
      Object.entries(template.toJSON().Resources as Record<string, any>).map(([id, r]) => [
        id,
        [...refs(r.Properties ?? {}, new Set([r.DependsOn ?? []].flat()))],
      ]),
    );
    const state = new Map<string, 'open' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'open') throw new Error(`cycle: ${[...path, id].join(' -> ')}`);
      state.set(id, 'open');
      for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of edges.keys()) visit(id, []);
  });
});

describe('bundles', () => {
  /** Each app function's deployed index.mjs (its source map apart), from the staged asset. */
  const bundles = () =>
    stack.node
      .findAll()
      .filter((fn): fn is NodejsFunction => fn instanceof NodejsFunction)
      .map((fn) => {
        const asset = fn.node.findChild('Code') as Asset;
        const code = readFileSync(join(Stage.of(stack)!.outdir, asset.assetPath, 'index.mjs'));
        return {
          handler: handlerOf.get(fn)!,
          code,
          kb: code.byteLength / 1024,
          gzipKb: gzipSync(code).byteLength / 1024,
        };
      })
      .sort((a, b) => b.kb - a.kb);

  it(`keeps every function's minified bundle within ${BUNDLE_BUDGET_KB} KB`, () => {
    const all = bundles();
    expect(all).toHaveLength(appFunctions().length);
    // Printed for the README: what each function would deploy, minified and gzipped.
    console.log(
      [
        `Function bundles (index.mjs, budget ${BUNDLE_BUDGET_KB} KB):`,
        ...all.map(
          (b) => `${b.kb.toFixed(0).padStart(5)} KB  ${b.gzipKb.toFixed(0).padStart(4)} KB gz  ${b.handler}`,
        ),
      ].join('\n'),
    );
    expect(
      all.filter((b) => b.kb > BUNDLE_BUDGET_KB).map((b) => `${b.handler} ${b.kb.toFixed(0)} KB`),
    ).toEqual([]);
  });

  it('imports what it leaves out of the bundle only lazily, on paths Lambda never takes', () => {
    // AWS_PROFILE would make the credential chain skip the environment's keys for those paths.
    for (const [id, fn] of appFunctions())
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {}), id).not.toContain('AWS_PROFILE');
    for (const { handler, code } of bundles()) {
      const text = code.toString('utf8');
      for (const name of NOT_REACHED_ON_LAMBDA) {
        // `import("x")` may stay; `import ... from "x"` or `import "x"` would fail at load.
        const eager = new RegExp(`(?:from|import)\\s*["']${name.replace(/[/.]/g, '\\$&')}["']`);
        expect(eager.test(text), `${handler} imports ${name} eagerly`).toBe(false);
      }
    }
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });
});

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_KB, esbuildOptions, NOT_REACHED_ON_LAMBDA } from '#cdk/constructs/bundling.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { type Built, buildBundles, dirName } from '#test/bundles/build.ts';
import {
  type DeployedFunction,
  deployedFunctions,
  entryOf,
  lambdaEnvironment,
} from '#test/bundles/deployed.ts';

// Every deployed function's bundle, built with the CDK app's own esbuild options into a
// directory outside the repository (no node_modules above it, as in /var/task), imported by
// a child `node` (this Node 24, Lambda's runtime) as Lambda's runtime would import it, and
// invoked with events of the right shape. Nothing can reach the network: every AWS client
// and partner endpoint is 127.0.0.1 on a closed port and test/bundles/lambda-runtime.mjs
// refuses any other address; only answers that take no I/O are asserted.

const functions = deployedFunctions();
const run = promisify(execFile);

interface Invocation {
  name: string;
  answer?: unknown;
  error?: string;
  network: string[];
}
interface RuntimeResult {
  initCpuMs: number;
  handlerType: string;
  initNetwork: string[];
  invocations: Invocation[];
}
interface Case {
  name: string;
  event: unknown;
  /** What the handler answers without I/O; none: only that it stays on the closed port. */
  expect?: (answer: unknown) => void;
}

const WEB_ORIGIN = 'https://d111111abcdef8.cloudfront.net';

/** API Gateway's REST (v1) proxy event for a route of the function. */
function apiEvent(
  route: RouteContract,
  request: { headers?: Record<string, string>; query?: Record<string, string>; body?: string } = {},
): APIGatewayProxyEvent {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, 'x1']));
  const path = route.path.replace(/\{(\w+)\}/g, 'x1');
  const headers = {
    Host: 'abcdef1234.execute-api.ap-southeast-3.amazonaws.com',
    'User-Agent': 'bundles-test',
    Origin: WEB_ORIGIN,
    ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...request.headers,
  };
  const query = request.query ?? null;
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: Object.keys(params).length ? params : null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      authorizer: null,
      httpMethod: route.method,
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      stage: 'prod',
      requestId: `req-${route.operationId}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: route.path,
      identity: {
        sourceIp: '203.0.113.7',
        userAgent: 'bundles-test',
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

/** A problem document answered with `status`, as the API's refusals are. */
const problem = (status: number) => (answer: unknown) => {
  const reply = answer as { statusCode: number; headers: Record<string, string>; body: string };
  expect(reply.statusCode).toBe(status);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  expect(reply.headers['access-control-allow-origin']).toBe(WEB_ORIGIN);
  expect(JSON.parse(reply.body)).toMatchObject({ status });
};

/** Public routes without a body: what each answers without I/O. */
const PUBLIC_CASES: Record<string, Omit<Case, 'name'>> = {
  listWaves: { event: { query: { limit: '0' } }, expect: problem(400) },
  // Its path parameter `x1` is no UUID: refused before the table is read.
  getWaitingRoomEntry: { event: {}, expect: problem(400) },
  getOpenApi: {
    event: {},
    expect: (answer) => {
      const reply = answer as { statusCode: number; body: string };
      expect(reply.statusCode).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    },
  },
};

/** A route refuses before any I/O: no credentials (401), else a body no schema accepts (400). */
function routeCase(route: RouteContract): Case {
  const name = `${route.method} ${route.path}`;
  if (route.access !== 'public') return { name, event: apiEvent(route), expect: problem(401) };
  if (route.body) return { name, event: apiEvent(route, { body: '[]' }), expect: problem(400) };
  const declared = PUBLIC_CASES[route.operationId];
  if (!declared) throw new Error(`public route ${route.operationId}: add its case to PUBLIC_CASES`);
  return { name, event: apiEvent(route, declared.event as never), expect: declared.expect };
}

const TASK_INPUT = {
  waveId: 'w1',
  runId: 'r1',
  seed: 'seed',
  run: 1,
  segments: 1,
  segment: 0,
  shard: 0,
  pageSize: 10,
  pagesPerCall: 1,
  cursor: null,
  page: 0,
  done: false,
  staged: 0,
  counts: {},
  draw: { counts: {} },
  announced: [],
  parts: [],
  error: { Error: 'States.TaskFailed', Cause: 'bundles test' },
};

const noFailures = (answer: unknown) => expect(answer).toEqual({ batchItemFailures: [] });

function casesOf(fn: DeployedFunction): Case[] {
  switch (fn.kind) {
    case 'route':
      return fn.routes.map(routeCase);
    case 'queue':
      return [{ name: 'SQS, no records', event: { Records: [] }, expect: noFailures }];
    case 'stream':
      return [{ name: 'DynamoDB stream, no records', event: { Records: [] }, expect: noFailures }];
    case 'schedule':
      // Its work reads the table first: invoked only to see it stays on the closed port.
      return [
        {
          name: 'EventBridge scheduled event',
          event: {
            version: '0',
            id: 'bundles-test',
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: '123456789012',
            time: '2026-12-06T00:00:00Z',
            region: 'ap-southeast-3',
            resources: ['arn:aws:events:ap-southeast-3:123456789012:rule/prakerja'],
            detail: {},
          },
        },
      ];
    case 'task':
      // A Step Functions task reads its wave or run first: the same. One input holds what
      // every task's state names (shared/workflows/).
      return [{ name: 'Step Functions task input', event: TASK_INPUT }];
  }
}

/** A port nothing listens on: the endpoint of every client, refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

let root = '';
let endpoint = '';
const bundles = new Map<string, Built>();
const results = new Map<string, RuntimeResult>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'prakerja-bundles-'));
  for (let dir = root; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'node_modules')))
      throw new Error(`${dir} has node_modules: pick another TMPDIR`);
  endpoint = `http://127.0.0.1:${await closedPort()}`;
  for (const b of await buildBundles(
    root,
    functions.map((fn) => ({ name: fn.handler, entry: entryOf(fn.handler) })),
  ))
    bundles.set(b.name, b);
  const runtime = join(root, 'lambda-runtime.mjs');
  copyFileSync(fileURLToPath(new URL('./lambda-runtime.mjs', import.meta.url)), runtime);
  await eachLimited(functions, Math.max(2, availableParallelism()), async (fn) => {
    const { dir } = bundles.get(fn.handler)!;
    const cases = join(dir, 'cases.json');
    const result = join(dir, 'result.json');
    writeFileSync(cases, JSON.stringify(casesOf(fn).map(({ name, event }) => ({ name, event }))));
    await run(process.execPath, [runtime, dir, cases, result], {
      cwd: dir,
      env: lambdaEnvironment(fn, endpoint),
      timeout: 60_000,
      maxBuffer: 16 * 2 ** 20,
    });
    results.set(fn.handler, JSON.parse(readFileSync(result, 'utf8')));
  });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('bundles', () => {
  it('builds one bundle per deployed function', () => {
    const kinds = new Set(functions.map((fn) => fn.kind));
    expect([...kinds].sort()).toEqual(['queue', 'route', 'schedule', 'stream', 'task']);
    expect(bundles.size).toBe(functions.length);
  });

  it('builds each bundle as a build of its entry alone with the app options does, byte for byte', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'prakerja-bundle-alone-'));
    try {
      for (const handler of ['accounts/get-me', 'notifications/send-outbox']) {
        const file = join(alone, dirName(handler), 'index.mjs');
        await build({ ...esbuildOptions(entryOf(handler), file), logLevel: 'error' });
        const together = bundles.get(handler)!.file;
        expect(readFileSync(file).equals(readFileSync(together)), handler).toBe(true);
        expect(readFileSync(`${file}.map`).equals(readFileSync(`${together}.map`)), handler).toBe(true);
      }
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it(`keeps every function's minified bundle within ${BUNDLE_BUDGET_KB} KB`, () => {
    const all = [...bundles.values()]
      .map((b) => {
        const code = readFileSync(b.file);
        return { name: b.name, kb: code.byteLength / 1024, gzipKb: gzipSync(code).byteLength / 1024 };
      })
      .sort((a, b) => b.kb - a.kb);
    // Printed for docs/benchmarks.md: what each function deploys, minified and gzipped.
    console.log(
      [
        `Function bundles (index.mjs, budget ${BUNDLE_BUDGET_KB} KB):`,
        ...all.map(
          (b) => `${b.kb.toFixed(0).padStart(5)} KB  ${b.gzipKb.toFixed(0).padStart(4)} KB gz  ${b.name}`,
        ),
      ].join('\n'),
    );
    expect(all.filter((b) => b.kb > BUNDLE_BUDGET_KB).map((b) => `${b.name} ${b.kb.toFixed(0)} KB`)).toEqual(
      [],
    );
  });

  it('imports what it leaves out of the bundle only lazily, on paths Lambda never takes', () => {
    // AWS_PROFILE would make the credential chain skip the environment's keys for those paths.
    for (const fn of functions)
      expect(Object.keys(lambdaEnvironment(fn, endpoint)), fn.handler).not.toContain('AWS_PROFILE');
    for (const b of bundles.values()) {
      const text = readFileSync(b.file, 'utf8');
      for (const name of NOT_REACHED_ON_LAMBDA) {
        // `import("x")` may stay; `import ... from "x"` or `import "x"` would fail at load.
        const eager = new RegExp(`(?:from|import)\\s*["']${name.replace(/[/.]/g, '\\$&')}["']`);
        expect(eager.test(text), `${b.name} imports ${name} eagerly`).toBe(false);
      }
    }
  });

  describe.each(functions.map((fn) => [`${fn.kind} ${fn.handler}`, fn] as const))('%s', (_, fn) => {
    it('loads as Lambda imports it, with no network at init', () => {
      const result = results.get(fn.handler)!;
      expect(result.handlerType).toBe('function');
      expect(result.initNetwork).toEqual([]);
    });

    for (const c of casesOf(fn))
      it(c.expect ? `answers ${c.name} without I/O` : `${c.name} stays on the closed port`, () => {
        const invocation = results.get(fn.handler)!.invocations.find((i) => i.name === c.name)!;
        if (c.expect) {
          expect(invocation.error).toBeUndefined();
          c.expect(invocation.answer);
          expect(invocation.network).toEqual([]);
        } else {
          // It fails (nothing answers there); every attempt went to the closed port.
          expect(invocation.error).toMatch(/ECONNREFUSED|connect/);
          expect(invocation.network.length).toBeGreaterThan(0);
          for (const attempt of invocation.network) expect(attempt).toBe(`tcp ${endpoint.slice(7)}`);
        }
      });
  });
});

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createLocalServer } from '#local/http-server.ts';
import { clock } from '#platform/clock.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { functionTimeoutSeconds, routeUses } from '#platform/http/contract.ts';
import { preflightHeaders } from '#platform/http/cors.ts';
import { MAX_BODY_BYTES } from '#platform/http/handler.ts';
import { type Problem, problems } from '#platform/http/problem.ts';
import { mergeUses, runWithUses } from '#platform/uses.ts';
// The table's catalogue, which runWithUses checks every command against (uses.ts useItems).
import '#contexts/items.ts';
import { handlerFile } from '#platform/handlers.ts';

// The local stand-in for API Gateway: matches the shared route table, builds the same
// REST (v1) proxy event API Gateway sends, and calls the handler module in-process.

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface CompiledRoute {
  contract: RouteContract;
  pattern: RegExp;
  paramNames: string[];
}

function compile(contract: RouteContract): CompiledRoute {
  const paramNames: string[] = [];
  const source = contract.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      paramNames.push(name);
      return '([^/]+)';
    });
  return { contract, pattern: new RegExp(`^${source}$`), paramNames };
}

/** Answers a request for a static file (the web front end) or returns false. */
export type StaticServer = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

/** One listener's request handler: the API, then (for what no route claims) its static files. */
export type ApiListener = (
  req: IncomingMessage,
  res: ServerResponse,
  serveStatic?: StaticServer,
) => Promise<void>;

export function createAdapter(
  routes: RouteContract[],
  functionsDir: URL,
  serveStatic?: StaticServer,
): Server {
  const listener = createApiListener(routes, functionsDir);
  return createLocalServer((req, res) => listener(req, res, serveStatic));
}

/** The API as a request handler that several listeners share (the citizens' site's origin
 *  and the console's, each with its own static files): one module per handler for both. */
export function createApiListener(routes: RouteContract[], functionsDir: URL): ApiListener {
  const compiled = routes.map(compile);
  // One Lambda per handler module, with what all its routes use (as the CDK app grants) and
  // the timeout they ask for, stretched by HTTP_TIMEOUT_SCALE where a loaded machine runs
  // several stacks (the test stacks: 3). Merged once per handler, not per request.
  const scale = Math.max(1, Number(process.env.HTTP_TIMEOUT_SCALE) || 1);
  const functions = new Map(
    [...new Set(routes.map((r) => r.handler))].map((handler) => {
      const served = routes.filter((r) => r.handler === handler);
      return [
        handler,
        { uses: mergeUses(...served.map(routeUses)), timeoutSeconds: functionTimeoutSeconds(served) * scale },
      ];
    }),
  );
  const functionOf = (handler: string) => functions.get(handler)!;
  const modules = new Map<string, Promise<LambdaHandler>>();
  const load = (handler: string) => {
    let loaded = modules.get(handler);
    if (!loaded) {
      loaded = import(new URL(handlerFile(handler), functionsDir).href).then(
        (m: { handler: LambdaHandler }) => m.handler,
      );
      modules.set(handler, loaded);
    }
    return loaded;
  };

  return async (req, res, serveStatic) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      const candidates = compiled.filter((r) => r.pattern.test(url.pathname));
      // Preflights are API Gateway's to answer (a mock integration), not a handler's.
      if (method === 'OPTIONS' && candidates.length) {
        const methods = candidates.map((r) => r.contract.method);
        res.writeHead(204, preflightHeaders(req.headers.origin, methods));
        res.end();
        return;
      }
      // What no route claims may be a page of the web front end (CloudFront's, on AWS).
      if (!candidates.length && serveStatic?.(req, res, url.pathname)) return;
      const match = candidates.find((r) => r.contract.method === method);
      if (!match)
        return sendProblem(
          res,
          candidates.length ? problems.methodNotAllowed() : problems.notFound('No such route.'),
        );
      const maxBytes = match.contract.maxBodyBytes ?? MAX_BODY_BYTES;
      const body = await readBody(req, maxBytes);
      if (body === 'too-large') return sendProblem(res, problems.tooLarge(maxBytes));
      const scope = clockScope(req);
      if (scope === null)
        return sendProblem(
          res,
          problems.validation(
            [
              {
                path: 'headers.x-local-clock',
                message: 'A clock name: 1 to 64 letters, digits, ".", "_" or "-".',
              },
            ],
            'The X-Local-Clock header is not a clock name.',
          ),
        );
      const handler = await load(match.contract.handler);
      const event = toEvent(req, url, match, body);
      const fn = functionOf(match.contract.handler);
      const invoke = () =>
        runWithUses(
          fn.uses,
          () => handler(event, lambdaContext(match.contract.handler, fn.timeoutSeconds)),
          match.contract.handler,
        );
      const result = await (scope ? clock.inScope(scope, invoke) : invoke());
      res.writeHead(result.statusCode, result.headers as Record<string, string>);
      res.end(result.body);
    } catch (error) {
      console.error('adapter error', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'https://prakerja.example/problems/internal',
            title: 'Internal server error',
            status: 500,
          }),
        );
      }
    }
  };
}

/**
 * The local-only `X-Local-Clock` header: the named clock (platform/clock.ts) this request,
 * and the work it starts in this process, reads. API Gateway has no such thing, so only
 * this adapter looks at it; handlers never do. Null: the header is not a clock name.
 */
function clockScope(req: IncomingMessage): string | undefined | null {
  const value = req.headers['x-local-clock'];
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : null;
}

function sendProblem(res: ServerResponse, problem: Problem): void {
  res.writeHead(problem.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(problem.toBody()));
}

/** Reads at most the route's body limit (64 KiB unless the contract says more). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The query as API Gateway's REST proxy hands it over: both maps, the single-value one
 * holding the last value of a repeated name. It does not form-decode: `+` stays `+`,
 * as in `?to=+628...`.
 */
function queryParameters(
  url: URL,
): Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> {
  const raw = url.search.slice(1);
  if (!raw) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  // No prototype: a parameter named `__proto__` is a parameter like any other.
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const pair of raw.split('&')) {
    const [name = '', value = ''] = pair.split('=', 2);
    const key = safeDecode(name);
    const decoded = safeDecode(value);
    single[key] = decoded;
    multi[key] = [...(multi[key] ?? []), decoded];
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function toEvent(req: IncomingMessage, url: URL, route: CompiledRoute, body: Buffer): APIGatewayProxyEvent {
  const values = route.pattern.exec(url.pathname)?.slice(1) ?? [];
  const pathParameters = route.paramNames.length
    ? Object.fromEntries(route.paramNames.map((name, i) => [name, safeDecode(values[i] ?? '')]))
    : null;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = String(value);
    multiValueHeaders[name] = Array.isArray(value) ? value : [value];
  }
  let text: string | null = null;
  let isBase64Encoded = false;
  if (body.length) {
    try {
      text = strictUtf8.decode(body);
    } catch {
      text = body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const requestId = randomUUID();
  return {
    resource: route.contract.path,
    path: url.pathname,
    httpMethod: route.contract.method,
    headers,
    multiValueHeaders,
    ...queryParameters(url),
    pathParameters,
    stageVariables: null,
    body: text,
    isBase64Encoded,
    requestContext: {
      requestId,
      resourcePath: route.contract.path,
      httpMethod: route.contract.method,
      path: url.pathname,
      stage: 'local',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The context Lambda passes, counting down the function's timeout from the invocation's
 *  start: the handler's middy ends it there as Lambda would (a 500 here), and a handler that
 *  stops short of it (a list import) reads its time left from it. */
function lambdaContext(handler: string, timeoutSeconds: number): Context {
  const name = handler.replace(/\W/g, '-');
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

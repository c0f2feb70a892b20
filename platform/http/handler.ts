import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import { recordAudit } from '#platform/audit.ts';
import { authenticate } from '#platform/http/auth.ts';
import type { AuditField, HttpReply, Infer, RouteContract } from '#platform/http/contract.ts';
import { corsHeaders } from '#platform/http/cors.ts';
import {
  idempotent,
  idempotentInTransaction,
  type KeptInTransaction,
  readIdempotencyKey,
} from '#platform/http/idempotency.ts';
import { type FieldError, Problem, problems, serverErrorBody } from '#platform/http/problem.ts';
import type { PartnerAuthenticator } from '#platform/http/signatures.ts';
import type { AuditDetail } from '#platform/items.ts';
import { logger } from '#platform/logger.ts';
import { count, publishInvocation, withInvocation } from '#platform/observability.ts';
import type { Principal } from '#platform/principal.ts';
import { InvalidCursor } from '#platform/store/cursor.ts';

export const MAX_BODY_BYTES = 64 * 1024;

// The partners' signature check belongs to the partners context: contexts/http.ts hands
// it over, and every handler is built from there, so the platform imports no context.
let authenticatePartner: PartnerAuthenticator = async () => {
  throw new Error('no partner authentication: build handlers with contexts/http.ts');
};
export function usePartnerAuthentication(authenticate: PartnerAuthenticator): void {
  authenticatePartner = authenticate;
}

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Present on every route whose access is not `public`. */
  principal: Principal;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  requestId: string;
  /** The invocation's time left before Lambda ends it: for work that can stop short and say
   *  how far it got (a bulk import) instead of being cut off with a 502. */
  timeLeftMs(): number;
  /** On a route that `keepsInTransaction`, when the request carries an Idempotency-Key:
   *  the items that keep its answer, for the route's own transaction. */
  idempotency?: KeptInTransaction;
}

/**
 * Wraps a route's logic into a Lambda handler: reads and validates the request against
 * the contract, authenticates, and turns refusals into problem details. The logic
 * receives typed input and returns a status and body; it never sees the raw event.
 */
export function httpHandler<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
>(
  contract: RouteContract<B, Q, P>,
  run: (request: HttpRequest<Infer<B>, Infer<Q>, Infer<P>>) => Promise<HttpReply>,
) {
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const { invocation, result } = withInvocation(() => serve(event, context));
    const reply = await result;
    const latencyMs = Math.round(performance.now() - started);
    logger.info('request', { operation: contract.operationId, status: reply.status, latencyMs });
    publishInvocation(contract.operationId, invocation, latencyMs);
    return toResult(reply, requestId, corsHeaders(event.headers?.origin ?? event.headers?.Origin));
  };

  const serve = async (event: APIGatewayProxyEvent, context: Context): Promise<HttpReply> => {
    let reply: HttpReply;
    try {
      const headers = lowerCaseKeys(event.headers);
      // Credentials first: a caller without them learns nothing about the input schema.
      // A public route has no principal and its `run` never reads one; the cast keeps one
      // variable typed for every access level (not a stored shape: store/items.ts parses those).
      const partner =
        contract.access === 'platform' || contract.access === 'payment'
          ? await authenticatePartner(event, headers, contract.access, {
              idempotent: !!contract.idempotent,
              deferSignature: !!contract.keepsInTransaction,
            })
          : undefined;
      const principal =
        contract.access === 'public'
          ? (undefined as unknown as Principal)
          : (partner?.principal ?? (await authenticate(headers.authorization, contract.access)));
      const body = contract.body
        ? validate(contract.body, readJson(event, contract.maxBodyBytes ?? MAX_BODY_BYTES), 'body')
        : undefined;
      const query = contract.query
        ? validate(contract.query, event.queryStringParameters ?? {}, 'query')
        : undefined;
      const params = contract.params
        ? validate(contract.params, event.pathParameters ?? {}, 'path')
        : undefined;
      const request = {
        body,
        query,
        params,
        principal,
        headers,
        requestId: event.requestContext?.requestId ?? '',
        timeLeftMs: () => context.getRemainingTimeInMillis(),
      };
      const execute = (idempotency?: KeptInTransaction) =>
        run({ ...request, idempotency } as HttpRequest<Infer<B>, Infer<Q>, Infer<P>>)
          .then(async ({ audit: extra, ...reply }) => {
            // Counted and audited where the work is done: an idempotent replay does not get here.
            if (contract.event && reply.status < 300) count(contract.event);
            const allowed = allowListed(contract, reply);
            if (contract.audit && !contract.audit.inTransaction && allowed.status < 300)
              await audit(contract, request, allowed, extra);
            return allowed;
          })
          .catch(refusalToReply);
      const key = contract.idempotent ? readIdempotencyKey(headers) : undefined;
      // Partners must send one on every POST: it is what makes a replayed request harmless.
      if (
        !key &&
        ((principal?.partnerId && event.httpMethod === 'POST') || contract.idempotent === 'required')
      )
        throw problems.validation([{ path: 'Idempotency-Key', message: 'required on this route' }]);
      const call = key && {
        // Anonymous callers cannot be told apart: each request is its own scope.
        scope: principal?.accountId,
        operationId: contract.operationId,
        key,
        request: `${event.httpMethod} ${event.path}\n${event.body ?? ''}`,
      };
      reply = !call
        ? await execute()
        : contract.keepsInTransaction
          ? await idempotentInTransaction(
              { ...call, signature: partner?.signature },
              (reply) => {
                if (reply instanceof Problem) return toProblemReply(reply);
                const { audit: _, ...answer } = reply;
                return allowListed(contract, answer);
              },
              execute,
            )
          : await idempotent(call, () => execute());
    } catch (error) {
      reply = toProblemReply(error);
    }
    return reply;
  };
  return middy(core).use(injectLambdaContext(logger, { resetKeys: true }));
}

type Served = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * One handler module for several routes: the CDK app makes one function per module (the
 * stack's resources are few), and API Gateway's event names the route it matched
 * (`httpMethod` and `resource`, the contract's path template), as the local adapter's does.
 */
export function routesHandler(...served: [RouteContract, Served][]): Served {
  const byRoute = new Map(
    served.map(([contract, handler]) => [`${contract.method} ${contract.path}`, handler]),
  );
  return async (event, context) => {
    const handler = byRoute.get(`${event.httpMethod} ${event.resource}`);
    if (handler) return handler(event, context);
    // Not wired to this function: a deployment fault, never the caller's.
    logger.error('no route of this module', { method: event.httpMethod, resource: event.resource });
    const origin = event.headers?.origin ?? event.headers?.Origin;
    return toResult(toProblemReply(new Error('unrouted')), context.awsRequestId, corsHeaders(origin));
  };
}

const MAX_DETAIL_TEXT = 200;

/** A declared field of the request or the reply: a string, number, boolean or null. */
function fieldOf(
  field: AuditField,
  sources: { params: unknown; body: unknown; response: unknown },
): string | number | boolean | null {
  const [where, ...path] = field.split('.') as [keyof typeof sources, ...string[]];
  let value: unknown = sources[where];
  for (const name of path)
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, name)
        ? (value as Record<string, unknown>)[name]
        : undefined;
  if (typeof value === 'string') return value.slice(0, MAX_DETAIL_TEXT);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

/**
 * The route's audit record, after its first success. The action is done by then: a
 * record that cannot be written is logged as an error (an alarm's business), not turned
 * into a failure that would make the client repeat the action.
 */
async function audit(
  contract: RouteContract,
  request: { params: unknown; body: unknown; principal: Principal },
  reply: HttpReply,
  extra: AuditDetail | undefined,
): Promise<void> {
  const declared = contract.audit!;
  const sources = { params: request.params, body: request.body, response: reply.body };
  const detail: AuditDetail = { ...extra };
  for (const [name, field] of Object.entries(declared.detail ?? {})) detail[name] = fieldOf(field, sources);
  const entry = {
    actor: request.principal.accountId,
    role: request.principal.role,
    kind: declared.kind,
    subject: String(fieldOf(declared.subject, sources) ?? ''),
    detail,
  };
  try {
    await recordAudit(entry);
  } catch (error) {
    logger.error('audit record not written', {
      kind: entry.kind,
      subject: entry.subject,
      error: error as Error,
    });
  }
}

/**
 * A success body leaves only through its declared response schema, which drops every
 * field it does not name: a field added to a stored item cannot leak by default. A body
 * that does not match is a bug, answered as a 500 (and the idempotency key freed).
 */
function allowListed(contract: RouteContract, reply: HttpReply): HttpReply {
  const schema = contract.responses[reply.status]?.schema;
  if (!schema || reply.status >= 300) return reply;
  const parsed = schema.safeParse(reply.body);
  if (parsed.success) return { ...reply, body: parsed.data };
  logger.error('response does not match its schema', {
    operation: contract.operationId,
    paths: parsed.error.issues.slice(0, 10).map((i) => i.path.join('.')),
  });
  return { status: 500, body: serverErrorBody(), headers: { 'content-type': 'application/problem+json' } };
}

/** Refusals become replies (an idempotent repeat gets them again); faults stay thrown. */
function refusalToReply(error: unknown): HttpReply {
  if (error instanceof Problem || error instanceof InvalidCursor) return toProblemReply(error);
  throw error;
}

function toProblemReply(error: unknown): HttpReply {
  if (error instanceof InvalidCursor)
    return toProblemReply(problems.validation([{ path: 'cursor', message: error.message }]));
  if (error instanceof Problem) {
    return {
      status: error.status,
      body: error.toBody(),
      headers: {
        'content-type': 'application/problem+json',
        ...(error.options.retryAfterSeconds !== undefined
          ? { 'retry-after': String(error.options.retryAfterSeconds) }
          : {}),
      },
    };
  }
  logger.error('unhandled error', { error: error as Error });
  return { status: 500, body: serverErrorBody(), headers: { 'content-type': 'application/problem+json' } };
}

function toResult(reply: HttpReply, requestId: string, cors: Record<string, string>): APIGatewayProxyResult {
  return {
    statusCode: reply.status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...cors,
      ...reply.headers,
    },
    body: reply.body === undefined ? '' : JSON.stringify(reply.body),
  };
}

function lowerCaseKeys(headers: APIGatewayProxyEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function readJson(event: APIGatewayProxyEvent, maxBytes: number): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > maxBytes) throw problems.tooLarge(maxBytes);
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw problems.malformedJson();
  }
}

function validate<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.').slice(0, 100) : where,
    message: issue.message.slice(0, 200),
  }));
  throw problems.validation(errors, `The request ${where} does not match the schema.`);
}

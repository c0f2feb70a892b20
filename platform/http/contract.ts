import type * as z from 'zod';
import type { ProblemSlug } from '#platform/http/problem.ts';
import type { AuditDetail } from '#platform/items.ts';
import type { BusinessEvent } from '#platform/observability.ts';
import type { Uses } from '#platform/uses.ts';
import { mergeUses } from '#platform/uses.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call a route (the role matrix is ROLES_BY_ACCESS in platform/http/auth.ts):
 * `admin` operates (changes things) and admits admins only; `staff` reads and admits both
 * administrator roles; `approver` approves and admits approvers only; `platform` and
 * `payment` are signed partner requests.
 */
export type Access = 'public' | 'citizen' | 'admin' | 'staff' | 'approver' | 'platform' | 'payment';

/**
 * Where an audit record's subject or detail field is read: the path parameters, the
 * request body, or the response body (`response.waveId`: the id of what was created).
 */
export type AuditField = `${'params' | 'body' | 'response'}.${string}`;

/**
 * The audit record a first success of the route writes (contexts/audit/store/audit.ts): every
 * administrator write declares one (test/unit/audit-routes.test.ts). `detail` names the
 * few fields worth keeping, never personal data (no NIK, no account number, no secret).
 */
export interface AuditDeclaration {
  /** Dotted: `wave.created`, `partner.transition`, ... */
  kind: string;
  /** The id acted on. */
  subject: AuditField;
  detail?: Record<string, AuditField>;
  /** The handler writes the record itself, in the transaction of the action it records
   *  (`auditPut`): one record per action however many requests race; the HTTP layer
   *  writes none. */
  inTransaction?: true;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/**
 * One declaration per route: the method and path, who may call it, the module under
 * contexts/<context>/handlers/ that serves it, and its schemas. The CDK app, the local adapter, the
 * handler itself and the OpenAPI document all read this one object.
 */
export interface RouteContract<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
> {
  operationId: string;
  method: HttpMethod;
  path: string;
  access: Access;
  /** Handler module, `<context>/<name>` (platform/handlers.ts), e.g. `accounts/create-account`. */
  handler: string;
  /** What its function uses (table, secrets, workflows...): its IAM grants and environment
   *  on AWS, enforced locally (platform/uses.ts); the HTTP layer's own needs are added. */
  uses: Uses;
  summary: string;
  tags: string[];
  body?: B;
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /** Problem slugs this route may answer, for the documentation. */
  problems?: ProblemSlug[];
  /** Its function's timeout, when bulk work needs more than HTTP_FUNCTION_TIMEOUT_S; at most
   *  28: API Gateway ends a request at 29 s whatever the function does. */
  timeoutSeconds?: number;
  /** Accepts an Idempotency-Key header; `required`: refuses a request without one. */
  idempotent?: boolean | 'required';
  /** Its work is one transaction, which also keeps the Idempotency-Key's answer (and a
   *  partner's signature): every success goes through `request.idempotency.record(reply)`
   *  (platform/http/idempotency.ts), so keeping costs no call of its own. */
  keepsInTransaction?: true;
  /** A larger body limit than the API's 64 KiB, for bulk imports. */
  maxBodyBytes?: number;
  /** The business event a first success of this route is (a metric, platform/observability.ts). */
  event?: BusinessEvent;
  /** The audit record a first success writes (not an idempotent replay, not a refusal). */
  audit?: AuditDeclaration;
  /** Present only on the local stack. */
  localOnly?: boolean;
}

export function route<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(contract: RouteContract<B, Q, P>): RouteContract<B, Q, P> {
  return contract;
}

export type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** An HTTP route's function times out after this unless its routes ask for more
 *  (`timeoutSeconds`); the local adapter counts the same time down in the context. */
export const HTTP_FUNCTION_TIMEOUT_S = 10;
const API_GATEWAY_LIMIT_S = 29;

/** The timeout of the function serving `routes` (one handler's): the longest they ask for,
 *  checked at synth and at the local stack's start to end before API Gateway gives up. */
export function functionTimeoutSeconds(routes: readonly RouteContract[]): number {
  const seconds = Math.max(HTTP_FUNCTION_TIMEOUT_S, ...routes.map((r) => r.timeoutSeconds ?? 0));
  if (seconds >= API_GATEWAY_LIMIT_S)
    throw new Error(
      `${routes[0]?.handler}: a ${seconds} s timeout outlives API Gateway's ${API_GATEWAY_LIMIT_S} s`,
    );
  return seconds;
}

export interface HttpReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** More audit detail than the contract's fields (e.g. the state a move left); never
   *  personal data. Only written when the route declares `audit`. */
  audit?: AuditDetail;
}

/**
 * A route's own declaration plus what the HTTP layer does for it: checking a token or a
 * partner's sealed secret reads the key material; a signed partner request reads the
 * partner's key and record (contexts/partners/partner-auth.ts), and a signed write remembers its
 * signature; an idempotent route keeps its answers (a record it puts, reads, updates and,
 * when the work failed, deletes: platform/http/idempotency.ts), and a route that declares
 * `audit` puts its audit record, all in the table.
 */
export function routeUses(route: RouteContract): Uses {
  const items: Uses['items'] = {};
  if (route.access === 'platform' || route.access === 'payment') {
    items.partnerCredential = 'read';
    items.partner = 'read';
    if (route.method !== 'GET') items.acceptedSignature = 'put';
  }
  // Kept in the route's own transaction: put (and read back on a repeat); kept around the
  // work: locked (put), completed (update), released (delete) when the work failed.
  if (route.idempotent)
    items.idempotency = route.keepsInTransaction ? ['read', 'put'] : ['read', 'write', 'delete'];
  if (route.audit) items.auditRecord = 'put';
  const framework: Uses = Object.keys(items).length ? { items } : {};
  if (route.access !== 'public') framework.secrets = true;
  return mergeUses(route.uses, framework);
}

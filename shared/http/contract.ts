import type { z } from 'zod';
import type { ProblemSlug } from '#shared/http/problem.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Who may call a route. `admin` admits both administrator roles; `approver` only approvers. */
export type Access = 'public' | 'citizen' | 'admin' | 'approver' | 'platform' | 'payment';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/**
 * One declaration per route: the method and path, who may call it, the module under
 * functions/ that serves it, and its schemas. The CDK app, the local adapter, the
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
  /** Module path under functions/, without extension, e.g. `accounts/create-account`. */
  handler: string;
  summary: string;
  tags: string[];
  body?: B;
  query?: Q;
  params?: P;
  responses: Record<number, ResponseSpec>;
  /** Problem slugs this route may answer, for the documentation. */
  problems?: ProblemSlug[];
  /** Accepts an Idempotency-Key header. */
  idempotent?: boolean;
  /** A larger body limit than the API's 64 KiB, for bulk imports. */
  maxBodyBytes?: number;
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

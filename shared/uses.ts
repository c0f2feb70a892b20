import { AsyncLocalStorage } from 'node:async_hooks';
import { queueUrlVariable } from '#shared/config.ts';
import type { RouteContract } from '#shared/http/contract.ts';
import type { WorkflowName } from '#shared/workflows/registry.ts';

// What a function uses, declared beside what it is (a route contract, a workflow, a
// schedule, a consumer). On AWS the CDK app turns it into exactly those IAM grants and
// environment variables (cdk/constructs/function.ts `appFunction`); on the local stack
// the same declaration is enforced per call, so a handler that writes where it may only
// read fails here as it would fail on AWS (AccessDenied), not first in production.

export interface Uses {
  /** The table: `read` (Get, Query, BatchGet, ConditionCheck) or `write` (and every write). */
  table?: 'read' | 'write';
  /** The key material in Secrets Manager (token key, lookup key, data key). */
  secrets?: boolean;
  /** Workflows whose executions it reads (`read`) or starts and reads (`start`). */
  workflows?: Partial<Record<WorkflowName, 'read' | 'start'>>;
  /** Sends email through SES. */
  email?: boolean;
  /** Sends SMS through SNS. */
  sms?: boolean;
  /** SQS queues (by name, shared/queues.ts) it sends messages to. */
  queues?: Partial<Record<string, 'send'>>;
  /** Calls the payment partners (shared/payments/port.ts): their endpoints and credentials. */
  payments?: boolean;
}

const rank = { read: 1, write: 2, start: 2 } as const;
const stronger = <T extends keyof typeof rank>(a?: T, b?: T): T | undefined =>
  !a ? b : !b ? a : rank[a] >= rank[b] ? a : b;

/** What one function needs for all that it does (a Lambda may serve several routes). */
export function mergeUses(...all: Uses[]): Uses {
  const out: Uses = {};
  for (const uses of all) {
    const table = stronger(out.table, uses.table);
    if (table) out.table = table;
    if (uses.secrets) out.secrets = true;
    if (uses.email) out.email = true;
    if (uses.sms) out.sms = true;
    if (uses.payments) out.payments = true;
    for (const [name, access] of Object.entries(uses.workflows ?? {}) as [WorkflowName, 'read' | 'start'][]) {
      out.workflows = { ...out.workflows, [name]: stronger(out.workflows?.[name], access) };
    }
    for (const name of Object.keys(uses.queues ?? {})) out.queues = { ...out.queues, [name]: 'send' };
  }
  return out;
}

/**
 * A route's own declaration plus what the HTTP layer does for it: checking a token or a
 * partner's sealed secret reads the key material; a signed partner request takes a
 * rate-limit token and remembers its signature, an idempotent route keeps its answers,
 * and a route that declares `audit` writes its audit record, all in the table.
 */
export function routeUses(route: RouteContract): Uses {
  const framework: Uses = {};
  if (route.access !== 'public') framework.secrets = true;
  if (route.access === 'platform' || route.access === 'payment' || route.idempotent || route.audit)
    framework.table = 'write';
  return mergeUses(route.uses, framework);
}

/** The environment a function gets for what it uses; the values are the deployment's. */
export function environmentFor(
  uses: Uses,
  values: {
    tableName: string;
    secretsArn: string;
    stateMachineArn: (name: WorkflowName) => string;
    emailFrom: string;
    /** The payment partners' credentials secret and base URLs (cdk/constructs/payment-partners.ts). */
    paymentSecretArn?: string;
    paymentEndpoints?: Record<string, string>;
    paymentTimeoutMs?: number;
    /** Required when a function sends to queues. */
    queueUrl?: (name: string) => string;
  },
): Record<string, string> {
  const env: Record<string, string> = {};
  if (uses.table) env.TABLE_NAME = values.tableName;
  if (uses.secrets) env.SECRETS_ARN = values.secretsArn;
  for (const name of Object.keys(uses.workflows ?? {}) as WorkflowName[])
    env[`${name.toUpperCase()}_STATE_MACHINE_ARN`] = values.stateMachineArn(name);
  if (uses.email) env.EMAIL_FROM = values.emailFrom;
  if (uses.payments) {
    env.PAYMENT_PARTNER_ENDPOINTS = JSON.stringify(values.paymentEndpoints ?? {});
    env.PAYMENT_PARTNERS_SECRET_ARN = values.paymentSecretArn ?? '';
    env.PAYMENT_TIMEOUT_MS = String(values.paymentTimeoutMs ?? 5000);
  }
  for (const name of Object.keys(uses.queues ?? {})) {
    if (!values.queueUrl) throw new Error(`queue ${name} is used but no queue URLs were given`);
    env[queueUrlVariable(name)] = values.queueUrl(name);
  }
  return env;
}

// --- the local stack's enforcement -------------------------------------------------

const granted = new AsyncLocalStorage<Uses>();

/** Runs a handler as the local stand-in of its Lambda: with only what it declared. */
export function runWithUses<T>(uses: Uses, work: () => Promise<T>): Promise<T> {
  return granted.run(uses, work);
}

export class AccessDenied extends Error {
  override name = 'AccessDeniedException';
}

/** Throws as IAM would when the running function did not declare `what`. No-op on AWS
 *  (nothing runs under `runWithUses` there: IAM itself refuses). */
export function requireUse(what: string, allowed: (uses: Uses) => boolean): void {
  const uses = granted.getStore();
  if (uses && !allowed(uses)) throw new AccessDenied(`not declared in the function's uses: ${what}`);
}

const TABLE_READS = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
  'DescribeTable',
]);

/** The table access a DynamoDB command needs, as its IAM action would. */
export function requireTable(commandName: string): void {
  const action = commandName.replace(/Command$/, '');
  const needs = TABLE_READS.has(action) ? 'read' : 'write';
  requireUse(`dynamodb:${action}`, (uses) => !!uses.table && rank[uses.table] >= rank[needs]);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { queueUrlVariable } from '#platform/config.ts';
import type { ItemType } from '#platform/store/item.ts';
import { type IndexName, TABLE } from '#platform/store/table.ts';

// What a function uses, declared beside what it is (a route contract, a workflow, a
// schedule, a consumer). On AWS the CDK app turns it into exactly those IAM grants and
// environment variables (cdk/constructs/function.ts `appFunction`); on the local stack
// the same declaration is enforced per call, so a handler that writes where it may only
// read fails here as it would fail on AWS (AccessDenied), not first in production.

/**
 * What a function may do to one item type of the table (contexts/items.ts), each an
 * IAM action set (cdk/constructs/table-grants.ts):
 * - `read`: GetItem, BatchGetItem, Query of its partition, ConditionCheckItem (in a transaction);
 * - `put`: PutItem (alone or in a transaction);
 * - `put-many`: PutItem and BatchWriteItem (batches of puts: list imports, outcomes). IAM has no
 *   separate action for a batch's DeleteRequest: BatchWriteItem lets it delete in the same
 *   partitions, so it is declared apart from `put`, only where batches are written;
 * - `update`: UpdateItem; `write`: put and update;
 * - `delete`: DeleteItem.
 * Scan is never granted.
 */
export type ItemAccess = 'read' | 'put' | 'put-many' | 'update' | 'write' | 'delete';

export const ITEM_ACTIONS: Record<ItemAccess, readonly TableAction[]> = {
  read: ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'],
  put: ['PutItem'],
  'put-many': ['PutItem', 'BatchWriteItem'],
  update: ['UpdateItem'],
  write: ['PutItem', 'UpdateItem'],
  delete: ['DeleteItem'],
};

/** The DynamoDB actions an item grant is made of (IAM's names, without `dynamodb:`). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'ConditionCheckItem'
  | 'PutItem'
  | 'BatchWriteItem'
  | 'UpdateItem'
  | 'DeleteItem';

const WRITE_ACTIONS: ReadonlySet<TableAction> = new Set([
  'PutItem',
  'BatchWriteItem',
  'UpdateItem',
  'DeleteItem',
]);

/**
 * The app's catalogue, as the platform sees it without importing a context: the table's
 * item types (declared where they are gathered, store/items.ts) and the workflows
 * (workflows/registry.ts) fill it in by declaration merging, so a `uses` that names an
 * unknown item or workflow does not compile. At run time the item types are handed over
 * with `useItems`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface Catalogue {}
export type ItemName = Catalogue extends { itemName: infer N extends string } ? N : string;
export type WorkflowName = Catalogue extends { workflowName: infer N extends string } ? N : string;

let catalogue: Readonly<Record<string, ItemType<unknown, unknown>>> | undefined;

/** Hands the table's item types to the checks below (store/items.ts does, once). */
export function useItems(items: Readonly<Record<string, ItemType<unknown, unknown>>>): void {
  catalogue = items;
}

function items(): Readonly<Record<string, ItemType<unknown, unknown>>> {
  if (!catalogue) throw new Error('no item catalogue: import the table catalogue (store/items.ts) first');
  return catalogue;
}

export type QueueAccess = 'send' | 'count';

export interface Uses {
  /** The table's item types it touches, by their name in contexts/items.ts, and how. */
  items?: Partial<Record<ItemName, ItemAccess | readonly ItemAccess[]>>;
  /** The table's GSIs it queries (an index Query reads whatever the index holds). */
  indexes?: Partial<Record<IndexName, 'query'>>;
  /** The key material in Secrets Manager (token key, lookup key, data key). */
  secrets?: boolean;
  /** Workflows whose executions it reads (`read`) or starts and reads (`start`). */
  workflows?: Partial<Record<WorkflowName, 'read' | 'start'>>;
  /** Sends email through SES. */
  email?: boolean;
  /** Sends SMS through SNS. */
  sms?: boolean;
  /** SQS queues (by name, platform/queues.ts) it sends messages to (`send`), or whose
   *  messages it only counts (`count`: sqs:GetQueueAttributes). */
  queues?: Partial<Record<string, QueueAccess>>;
  /** Calls the payment partners (contexts/payouts/payments/port.ts): their endpoints and credentials. */
  payments?: boolean;
  /** Calls the civil registry (contexts/registry/port.ts): its endpoint and key. */
  registry?: boolean;
}

/** The accesses declared for one item type, as a list. */
export function accessesOf(uses: Uses, name: ItemName): ItemAccess[] {
  const access = uses.items?.[name];
  return access === undefined ? [] : typeof access === 'string' ? [access] : [...access];
}

/** The IAM actions `uses` declares on each item type it names. */
export function itemActions(uses: Uses): Map<ItemName, Set<TableAction>> {
  const out = new Map<ItemName, Set<TableAction>>();
  for (const name of Object.keys(uses.items ?? {}) as ItemName[])
    out.set(name, new Set(accessesOf(uses, name).flatMap((a) => ITEM_ACTIONS[a])));
  return out;
}

/** The item type declared under `name` (the catalogue's `itemType`, for the checks here). */
const itemType = (name: ItemName): ItemType<unknown, unknown> => {
  const type = items()[name];
  if (!type) throw new Error(`no item type ${name}`);
  return type;
};

/** Whether it touches the table at all, and whether it writes (the table's name in its
 *  environment, and the key's encrypt actions, follow from these). */
export function tableAccess(uses: Uses): 'read' | 'write' | undefined {
  const actions = [...itemActions(uses).values()].flatMap((set) => [...set]);
  if (actions.some((a) => WRITE_ACTIONS.has(a))) return 'write';
  return actions.length || Object.keys(uses.indexes ?? {}).length ? 'read' : undefined;
}

const rank = { read: 1, start: 2 } as const;
const stronger = <T extends keyof typeof rank>(a?: T, b?: T): T | undefined =>
  !a ? b : !b ? a : rank[a] >= rank[b] ? a : b;

/** What one function needs for all that it does (a Lambda may serve several routes). */
export function mergeUses(...all: Uses[]): Uses {
  const out: Uses = {};
  for (const uses of all) {
    for (const name of Object.keys(uses.items ?? {}) as ItemName[]) {
      const merged = [...new Set([...accessesOf(out, name), ...accessesOf(uses, name)])];
      out.items = { ...out.items, [name]: merged.length === 1 ? merged[0] : merged };
    }
    for (const name of Object.keys(uses.indexes ?? {}) as IndexName[])
      out.indexes = { ...out.indexes, [name]: 'query' };
    if (uses.secrets) out.secrets = true;
    if (uses.email) out.email = true;
    if (uses.sms) out.sms = true;
    if (uses.payments) out.payments = true;
    if (uses.registry) out.registry = true;
    for (const [name, access] of Object.entries(uses.workflows ?? {}) as [WorkflowName, 'read' | 'start'][]) {
      out.workflows = { ...out.workflows, [name]: stronger(out.workflows?.[name], access) };
    }
    for (const [name, access] of Object.entries(uses.queues ?? {}) as [string, QueueAccess][])
      out.queues = { ...out.queues, [name]: out.queues?.[name] === 'send' ? 'send' : access };
  }
  return out;
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
    /** The registry's key secret and base URL (cdk/constructs/registry.ts). */
    registrySecretArn?: string;
    registryEndpoint?: string;
    /** Required when a function sends to queues. */
    queueUrl?: (name: string) => string;
  },
): Record<string, string> {
  const env: Record<string, string> = {};
  if (tableAccess(uses)) env.TABLE_NAME = values.tableName;
  if (uses.secrets) env.SECRETS_ARN = values.secretsArn;
  for (const name of Object.keys(uses.workflows ?? {}) as WorkflowName[])
    env[`${name.toUpperCase()}_STATE_MACHINE_ARN`] = values.stateMachineArn(name);
  if (uses.email) env.EMAIL_FROM = values.emailFrom;
  if (uses.payments) {
    env.PAYMENT_PARTNER_ENDPOINTS = JSON.stringify(values.paymentEndpoints ?? {});
    env.PAYMENT_PARTNERS_SECRET_ARN = values.paymentSecretArn ?? '';
    env.PAYMENT_TIMEOUT_MS = String(values.paymentTimeoutMs ?? 5000);
  }
  if (uses.registry) {
    env.REGISTRY_ENDPOINT = values.registryEndpoint ?? '';
    env.REGISTRY_SECRET_ARN = values.registrySecretArn ?? '';
    env.REGISTRY_TIMEOUT_MS = '5000';
  }
  for (const name of Object.keys(uses.queues ?? {})) {
    if (!values.queueUrl) throw new Error(`queue ${name} is used but no queue URLs were given`);
    env[queueUrlVariable(name)] = values.queueUrl(name);
  }
  return env;
}

// --- the local stack's enforcement -------------------------------------------------

interface Running {
  uses: Uses;
  /** The function (its handler module), for the refusal's message. */
  name: string;
  /** Aborted when the invocation's time is up (its Lambda timeout). */
  ended?: AbortSignal | undefined;
}

const granted = new AsyncLocalStorage<Running>();

/**
 * Runs a handler as the local stand-in of its Lambda: with only what it declared, and,
 * given `ended`, frozen once that is aborted (see `requireRunning`).
 */
export function runWithUses<T>(
  uses: Uses,
  work: () => Promise<T>,
  name = 'a function',
  ended?: AbortSignal,
): Promise<T> {
  return granted.run({ uses, name, ended }, work);
}

/** A call made by an invocation after its timeout: on AWS it would never leave. */
export class InvocationEnded extends Error {
  override name = 'InvocationEnded';
}

/**
 * Lambda freezes a function at its timeout; a local handler cannot be stopped, so its next
 * call out (a command to the table, a request to a partner) is refused instead. Without
 * that, a late call would land after the rest of the system had judged it could not come
 * (a dead batch's instructions are settled once its last delivery's time is up). No-op on
 * AWS and outside an invocation.
 */
export function requireRunning(): void {
  const running = granted.getStore();
  if (running?.ended?.aborted) throw new InvocationEnded(`${running.name}: called out after its timeout`);
}

export class AccessDenied extends Error {
  override name = 'AccessDeniedException';
}

/** Throws as IAM would when the running function did not declare `what`. No-op on AWS
 *  (nothing runs under `runWithUses` there: IAM itself refuses). */
export function requireUse(what: string, allowed: (uses: Uses) => boolean): void {
  requireRunning();
  const running = granted.getStore();
  if (running && !allowed(running.uses))
    throw new AccessDenied(`${running.name}: not declared in the function's uses: ${what}`);
}

/** A key attribute as the command carries it: plain (lib-dynamodb, before it marshalls)
 *  or marshalled (`{ S: '...' }`, the low-level client). */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string')
    return (value as { S: string }).S;
  return undefined;
}

type Attrs = Record<string, unknown> | undefined;

/** One thing a command does to the table, as IAM authorizes it. */
interface TableUse {
  action: TableAction;
  /** The partition, and the sort key (undefined for a Query: `skPrefix` narrows it). */
  pk: string | undefined;
  sk?: string | undefined;
  skPrefix?: string;
  /** A batch's DeleteRequest: BatchWriteItem, and a declared `delete`. */
  deletes?: boolean;
}

const keyUse = (action: TableAction, key: Attrs, deletes?: boolean): TableUse => ({
  action,
  pk: text(key?.PK),
  sk: text(key?.SK),
  ...(deletes ? { deletes } : {}),
});

/** The longest common start of two strings. */
const commonStart = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
};

/** A Query's partition value and the sort key start its condition fixes (if any). */
function queryUse(input: Record<string, unknown>): TableUse {
  const expression = String(input.KeyConditionExpression ?? '');
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const attr = (token: string) => names[token] ?? token;
  const value = (token: string) => text(values[token]);
  let pk: string | undefined;
  let skPrefix = '';
  for (const clause of expression.split(/\s+AND\s+(?![^()]*\))/i)) {
    const eq = /^\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?$/.exec(clause.trim());
    if (eq && attr(eq[1]!) === TABLE.partitionKey) pk = value(eq[2]!);
    else if (eq && attr(eq[1]!) === TABLE.sortKey) skPrefix = value(eq[2]!) ?? '';
    const begins = /begins_with\s*\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)/i.exec(clause);
    if (begins && attr(begins[1]!) === TABLE.sortKey) skPrefix = value(begins[2]!) ?? '';
    const between = /^([#\w]+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)$/i.exec(clause.trim());
    if (between && attr(between[1]!) === TABLE.sortKey)
      skPrefix = commonStart(value(between[2]!) ?? '', value(between[3]!) ?? '');
  }
  return { action: 'Query', pk, skPrefix };
}

/** What a command does to the table, item by item, or a refusal's reason. */
function tableUses(
  action: string,
  input: Record<string, unknown>,
  table: string | undefined,
): TableUse[] | string {
  const of = <T>(requestItems: unknown): T[] => {
    const byTable = (requestItems ?? {}) as Record<string, T>;
    return Object.entries(byTable)
      .filter(([name]) => table === undefined || name === table)
      .flatMap(([, v]) => [v]);
  };
  switch (action) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [keyUse(action, input.Key as Attrs)];
    case 'PutItem':
      return [keyUse(action, input.Item as Attrs)];
    case 'BatchGetItem':
      return of<{ Keys?: Attrs[] }>(input.RequestItems).flatMap((t) =>
        (t.Keys ?? []).map((k) => keyUse(action, k)),
      );
    case 'BatchWriteItem':
      return of<{ PutRequest?: { Item: Attrs }; DeleteRequest?: { Key: Attrs } }[]>(input.RequestItems)
        .flat()
        .map((r) =>
          r.PutRequest ? keyUse(action, r.PutRequest.Item) : keyUse(action, r.DeleteRequest?.Key, true),
        );
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Record<string, { Key?: Attrs; Item?: Attrs }>[]).map((t) =>
        t.Put
          ? keyUse('PutItem', t.Put.Item)
          : t.Update
            ? keyUse('UpdateItem', t.Update.Key)
            : t.Delete
              ? keyUse('DeleteItem', t.Delete.Key)
              : keyUse('ConditionCheckItem', t.ConditionCheck?.Key),
      );
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get?: { Key?: Attrs } }[]).map((t) =>
        keyUse('GetItem', t.Get?.Key),
      );
    case 'Query':
      return [queryUse(input)];
    default:
      // Scan (never granted), DescribeTable and the rest: no function declares them.
      return `dynamodb:${action} is granted to no function`;
  }
}

/** The item types a key (or a Query's partition and sort key start) can be. */
function candidates(use: TableUse): ItemName[] {
  const pk = use.pk;
  if (pk === undefined) return [];
  return (Object.keys(items()) as ItemName[]).filter((name) => {
    const type = itemType(name);
    if (use.action !== 'Query') return type.keyMatches(pk, use.sk ?? '');
    if (!type.keyMatches(pk)) return false;
    // A Query reads every item of the partition whose sort key can start so.
    const prefix = use.skPrefix ?? '';
    const fixed = type.skPrefix;
    return type.format.SK.includes('<')
      ? prefix.startsWith(fixed) || fixed.startsWith(prefix)
      : type.format.SK.startsWith(prefix);
  });
}

/**
 * Throws as IAM would when the running function did not declare what a DynamoDB command
 * does: each key (each of a batch, each item of a transaction with the action IAM checks
 * for it, a Query's partition) must be of an item type it declared with that action, and
 * an index Query needs the index declared. Stricter than IAM, which sees only the
 * partition (LeadingKeys): here the sort key tells the item type too.
 */
export function requireTable(commandName: string, input: Record<string, unknown> = {}): void {
  requireRunning();
  const running = granted.getStore();
  if (!running) return;
  const { uses, name: fn } = running;
  const action = commandName.replace(/Command$/, '');
  const denied = (why: string) => new AccessDenied(`${fn}: ${why} (not declared in the function's uses)`);
  if (action === 'Query' && typeof input.IndexName === 'string') {
    const index = input.IndexName as IndexName;
    if (uses.indexes?.[index] !== 'query') throw denied(`dynamodb:Query on index ${index}`);
    return;
  }
  const table = typeof input.TableName === 'string' ? input.TableName : undefined;
  const all = tableUses(action, input, table);
  if (typeof all === 'string') throw denied(all);
  const declared = itemActions(uses);
  for (const use of all) {
    const names = candidates(use);
    if (!names.length)
      throw denied(`dynamodb:${use.action} on ${use.pk} / ${use.sk ?? '…'}: no item type has this key`);
    for (const name of names) {
      const actions = declared.get(name);
      if (!actions?.has(use.action)) throw denied(`dynamodb:${use.action} on ${name} (${use.pk})`);
      if (use.deletes && !actions?.has('DeleteItem'))
        throw denied(`a batch's DeleteRequest on ${name} (${use.pk})`);
    }
  }
}

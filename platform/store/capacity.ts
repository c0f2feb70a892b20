import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentInvocation, type Invocation } from '#platform/observability.ts';

// Consumed capacity per invocation: every DynamoDB call asks for it (ReturnConsumedCapacity
// INDEXES costs nothing) and counts itself; the invocation publishes the sums as metrics
// (platform/observability.ts), which dashboards and the benchmarks read.
//
// Two figures. `read`/`write` are what the engine reports. `billedRead`/`billedWrite` are
// what DynamoDB bills for the same call: the engine's own figure, except for transactions,
// which DynamoDB Local reports as twice the largest item whatever the number of items,
// where AWS bills every item twice (prepare and commit). So a transaction is counted as
// 2 units per item per KB (writes) or per 4 KB (reads), with items whose size the request
// does not show (Update, Delete, ConditionCheck, Get) taken as one unit, and never less
// than the engine's figure; its index writes are standard writes, as the engine reports.
// Two smaller corrections: a key read where no item is costs its minimum, and a single
// write refused by its condition is billed one unit; Local reports neither.
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

interface Units {
  CapacityUnits?: number;
}
interface ConsumedCapacity extends Units {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: Units;
  GlobalSecondaryIndexes?: Record<string, Units>;
  LocalSecondaryIndexes?: Record<string, Units>;
}

type TransactInput = { TransactItems?: { Put?: { Item?: Record<string, unknown> } }[] };

/** One DynamoDB call, counted when it is sent (a refused condition is a call too). */
export function recordCall(invocation = currentInvocation()): void {
  if (invocation) invocation.calls += 1;
}

export function recordCapacity(
  commandName: string,
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
  input: unknown = {},
  invocation: Invocation | undefined = currentInvocation(),
): void {
  if (!invocation || !consumed) return;
  const isRead = READS.has(commandName);
  let reported = 0;
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits || c.WriteCapacityUnits) {
      invocation.read += c.ReadCapacityUnits ?? 0;
      invocation.write += c.WriteCapacityUnits ?? 0;
      reported += (isRead ? c.ReadCapacityUnits : c.WriteCapacityUnits) ?? 0;
    } else {
      if (isRead) invocation.read += c.CapacityUnits ?? 0;
      else invocation.write += c.CapacityUnits ?? 0;
      reported += c.CapacityUnits ?? 0;
    }
  }
  const billed = commandName.startsWith('Transact')
    ? transactionUnits(input as TransactInput, consumed, isRead ? 4096 : 1024)
    : Math.max(reported, readMinimum(commandName, input as ReadInput));
  if (isRead) invocation.billedRead += billed;
  else invocation.billedWrite += billed;
}

type ReadInput = {
  ConsistentRead?: boolean;
  RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
};

/** A key read costs its minimum even when there is no item there (DynamoDB Local bills
 *  absent keys nothing): half a unit eventually consistent, one strongly consistent. */
function readMinimum(commandName: string, input: ReadInput): number {
  if (commandName === 'GetItemCommand') return input.ConsistentRead ? 1 : 0.5;
  if (commandName !== 'BatchGetItemCommand') return 0;
  return Object.values(input.RequestItems ?? {}).reduce(
    (sum, r) => sum + (r.Keys?.length ?? 0) * (r.ConsistentRead ? 1 : 0.5),
    0,
  );
}

/** A write refused by its condition is still billed (DynamoDB Local reports nothing):
 *  one unit, the item's size being unknown. */
const SINGLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
export function recordRefusedWrite(commandName: string, invocation = currentInvocation()): void {
  if (invocation && SINGLE_WRITES.has(commandName)) invocation.billedWrite += 1;
}

function transactionUnits(
  input: TransactInput,
  consumed: ConsumedCapacity | ConsumedCapacity[],
  unitBytes: number,
): number {
  const all = Array.isArray(consumed) ? consumed : [consumed];
  let table = 0;
  let indexes = 0;
  for (const c of all) {
    table += c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0;
    for (const i of Object.values({ ...c.GlobalSecondaryIndexes, ...c.LocalSecondaryIndexes }))
      indexes += i.CapacityUnits ?? 0;
  }
  const items = input.TransactItems ?? [];
  const perItem = items.reduce((sum, t) => {
    const size = t.Put?.Item ? itemBytes(t.Put.Item) : 0;
    return sum + 2 * Math.max(1, Math.ceil(size / unitBytes));
  }, 0);
  return Math.max(perItem, table) + indexes;
}

/** An item's size as DynamoDB counts it: attribute names plus values, in UTF-8 bytes.
 *  Takes the wire form ({S: ...}) or plain values (what the document client passes on). */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

const WIRE = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueBytes(v), 0);
  const entries = Object.entries(value as Record<string, unknown>);
  const [only] = entries;
  if (entries.length === 1 && only && WIRE.has(only[0])) {
    const [type, inner] = only;
    if (type === 'N') return Math.ceil(String(inner).length / 2) + 1;
    if (type === 'M') return 3 + itemBytes(inner as Record<string, unknown>);
    return valueBytes(inner);
  }
  return 3 + itemBytes(value as Record<string, unknown>);
}

/**
 * Counts every call of `client` (and its capacity) into the running invocation, or into
 * `into` when given (a benchmark's baseline, which runs outside any handler).
 */
export function meterCalls(
  client: Pick<DynamoDBClient, 'middlewareStack'>,
  into?: () => Invocation | undefined,
): void {
  const target = into ?? currentInvocation;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const invocation = target();
      recordCall(invocation);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'INDEXES';
      const out = await next(args).catch((error: Error) => {
        if (error.name === 'ConditionalCheckFailedException')
          recordRefusedWrite(context.commandName ?? '', invocation);
        throw error;
      });
      recordCapacity(
        context.commandName ?? '',
        (out.output as { ConsumedCapacity?: never }).ConsumedCapacity,
        args.input,
        invocation,
      );
      return out;
    },
    { step: 'initialize', name: 'consumedCapacity', priority: 'low' },
  );
}

import { currentInvocation } from '#shared/observability.ts';

// Consumed capacity per invocation: every DynamoDB call asks for it (ReturnConsumedCapacity
// TOTAL costs nothing) and counts itself; the invocation publishes the sums as metrics
// (shared/observability.ts), which dashboards and the benchmarks read.
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

interface ConsumedCapacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** One DynamoDB call, counted when it is sent (a refused condition is a call too). */
export function recordCall(): void {
  const invocation = currentInvocation();
  if (invocation) invocation.calls += 1;
}

export function recordCapacity(
  commandName: string,
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): void {
  const invocation = currentInvocation();
  if (!invocation || !consumed) return;
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits || c.WriteCapacityUnits) {
      invocation.read += c.ReadCapacityUnits ?? 0;
      invocation.write += c.WriteCapacityUnits ?? 0;
    } else if (READS.has(commandName)) invocation.read += c.CapacityUnits ?? 0;
    else invocation.write += c.CapacityUnits ?? 0;
  }
}

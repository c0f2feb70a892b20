import { AsyncLocalStorage } from 'node:async_hooks';

// Consumed capacity per request: every DynamoDB call asks for it (ReturnConsumedCapacity
// TOTAL costs nothing), and the handler logs the sum with the request. Benchmarks and
// dashboards read capacity per operation from those log lines.
export interface Capacity {
  read: number;
  write: number;
}

const current = new AsyncLocalStorage<Capacity>();

export function withCapacity<T>(run: () => Promise<T>): { capacity: Capacity; result: Promise<T> } {
  const capacity = { read: 0, write: 0 };
  return { capacity, result: current.run(capacity, run) };
}

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

export function recordCapacity(
  commandName: string,
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): void {
  const capacity = current.getStore();
  if (!capacity || !consumed) return;
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits || c.WriteCapacityUnits) {
      capacity.read += c.ReadCapacityUnits ?? 0;
      capacity.write += c.WriteCapacityUnits ?? 0;
    } else if (READS.has(commandName)) capacity.read += c.CapacityUnits ?? 0;
    else capacity.write += c.CapacityUnits ?? 0;
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

// Metrics (CloudWatch embedded metric format), one module for every function. Each
// invocation (a request, a workflow task, a scheduled job, a batch) collects what it
// consumed and the business events it caused, and publishes them as one EMF line when it
// ends: CloudWatch turns that into metrics on AWS, and the benchmarks read the same lines
// locally. Names and counts only, never personal data.

export const NAMESPACE = 'Prakerja';
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'prakerja';

// Tracing is Lambda's own (active tracing on every function: the invocation, its
// initialization and overhead as segments), with no X-Ray SDK in the bundles: that SDK is in
// maintenance mode, and Powertools Tracer with it cost every function ~120 KB and ~14 ms of
// cold start (docs/adr/0001-tracing.md). The logger's lines carry the trace id
// (xray_trace_id), and this module's metrics the calls to DynamoDB each invocation made.

/** The business events metrics are kept of, so a typo cannot make a new metric. */
export type BusinessEvent =
  | 'AccountRegistered'
  | 'ChannelVerified'
  | 'ProfileSaved'
  | 'WaveJoined'
  | 'PurchaseCreated'
  | 'PurchasePaid'
  | 'PurchaseCancelled'
  | 'CourseCompleted'
  | 'IncentivesScheduled'
  | 'ParticipantIssued'
  | 'ParticipantRevoked'
  | 'MessageSent'
  | 'NoticeQueued'
  | 'NoticeSent'
  | 'NoticeThrottled'
  | 'NoticeAlreadySent'
  | 'CodeAlreadySent'
  | 'PayoutAccountLinked'
  | 'PayoutRunCreated'
  | 'PayoutRunApproved'
  | 'IncentiveStaged'
  | 'IncentivePaid'
  | 'PayoutFailed'
  | 'PayoutHandedBack'
  | 'PayoutRunRejected'
  | 'PayoutRunCancelled'
  | 'RegistryVerified'
  | 'RegistryFailed'
  | 'RegistryUnanswered'
  | 'AdmissionFailed';

export interface Invocation {
  /** DynamoDB capacity as the engine reports it, as DynamoDB bills it (store/capacity.ts),
   *  and the number of calls. */
  read: number;
  write: number;
  billedRead: number;
  billedWrite: number;
  calls: number;
  events: Partial<Record<BusinessEvent, number>>;
}

const current = new AsyncLocalStorage<Invocation>();

export function currentInvocation(): Invocation | undefined {
  return current.getStore();
}

export const newInvocation = (): Invocation => ({
  read: 0,
  write: 0,
  billedRead: 0,
  billedWrite: 0,
  calls: 0,
  events: {},
});

/** Runs one invocation's work, collecting what it consumed and caused. */
export function withInvocation<T>(run: () => Promise<T>): { invocation: Invocation; result: Promise<T> } {
  const invocation = newInvocation();
  return { invocation, result: current.run(invocation, run) };
}

/** Counts a business event of the running invocation (published when it ends). */
export function count(event: BusinessEvent, n = 1): void {
  const invocation = current.getStore();
  if (invocation && n > 0) invocation.events[event] = (invocation.events[event] ?? 0) + n;
}

/** Runs a whole invocation of `operation` (a scheduled job, a batch) and publishes it. */
export async function observed<T>(operation: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const { invocation, result } = withInvocation(run);
  try {
    return await result;
  } finally {
    publishInvocation(operation, invocation, Math.round(performance.now() - started));
  }
}

/**
 * Publishes one EMF line for an invocation of `operation`. A fresh Metrics object each
 * time: locally many invocations run at once in one process, and a shared buffer would
 * mix them.
 */
export function publishInvocation(
  operation: string,
  invocation: Invocation,
  latencyMs?: number,
  /** Searchable context that is not a dimension (e.g. the wave a task worked on). */
  metadata: Record<string, unknown> = {},
): void {
  const metrics = new Metrics({ namespace: NAMESPACE, serviceName, defaultDimensions: { operation } });
  for (const [key, value] of Object.entries(metadata)) metrics.addMetadata(key, String(value));
  metrics.addMetric('ConsumedReadCapacity', MetricUnit.Count, invocation.read);
  metrics.addMetric('ConsumedWriteCapacity', MetricUnit.Count, invocation.write);
  metrics.addMetric('BilledReadUnits', MetricUnit.Count, invocation.billedRead);
  metrics.addMetric('BilledWriteUnits', MetricUnit.Count, invocation.billedWrite);
  metrics.addMetric('DynamoDBCalls', MetricUnit.Count, invocation.calls);
  if (latencyMs !== undefined) metrics.addMetric('Latency', MetricUnit.Milliseconds, latencyMs);
  for (const [event, n] of Object.entries(invocation.events)) metrics.addMetric(event, MetricUnit.Count, n);
  metrics.publishStoredMetrics();
}

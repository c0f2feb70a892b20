import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

// A stream consumer for the poller's own test: records each invocation's batch (by
// sort key), fails a record as often as the plan says, stopping at the first failure
// like notifications/send-outbox. State lives on globalThis, so the test reads the
// same object however the module was loaded.
export interface ProbeState {
  invocations: string[][];
  delivered: Record<string, number>;
  /** Failures left per sort key. */
  failures: Record<string, number>;
}

const g = globalThis as { streamProbe?: ProbeState };
export const probe = (): ProbeState => (g.streamProbe ??= { invocations: [], delivered: {}, failures: {} });

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const state = probe();
  const keys = event.Records.map((r) => r.dynamodb?.NewImage?.SK?.S ?? '?');
  state.invocations.push(keys);
  for (const [i, record] of event.Records.entries()) {
    const key = keys[i]!;
    if ((state.failures[key] ?? 0) > 0) {
      state.failures[key]!--;
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
    state.delivered[key] = (state.delivered[key] ?? 0) + 1;
  }
  return { batchItemFailures: [] };
}

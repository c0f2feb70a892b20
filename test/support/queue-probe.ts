import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

// A queue consumer for the local poller's own test (test/integration/queues.test.ts):
// records every invocation, counts how many run at once per queue, and does what each
// message's body asks. State lives on globalThis, so the test reads the same object
// however the module was loaded.
export type ProbeBody =
  | { id: string; mode: 'ok' | 'fail-once' | 'poison' | 'throw-once' | 'malformed-once' }
  | { id: string; mode: 'sleep' | 'sleep-once'; ms: number };

export interface QueueProbe {
  invocations: { queue: string; started: number; ended?: number; records: SQSRecord[] }[];
  active: Record<string, number>;
  maxActive: Record<string, number>;
}

const g = globalThis as { queueProbe?: QueueProbe };
export const queueProbe = (): QueueProbe => (g.queueProbe ??= { invocations: [], active: {}, maxActive: {} });

export async function handler(event: SQSEvent): Promise<SQSBatchResponse | { batchItemFailures: unknown }> {
  const state = queueProbe();
  const queue = event.Records[0]!.eventSourceARN.split(':').at(-1)!;
  const invocation: QueueProbe['invocations'][number] = {
    queue,
    started: Date.now(),
    records: event.Records,
  };
  state.invocations.push(invocation);
  state.active[queue] = (state.active[queue] ?? 0) + 1;
  state.maxActive[queue] = Math.max(state.maxActive[queue] ?? 0, state.active[queue]);
  try {
    const failures: string[] = [];
    for (const record of event.Records) {
      const body = JSON.parse(record.body) as ProbeBody;
      const first = record.attributes.ApproximateReceiveCount === '1';
      if (body.mode === 'throw-once' && first) throw new Error('a poison batch');
      if (body.mode === 'malformed-once' && first)
        return { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] };
      if ((body.mode === 'fail-once' && first) || body.mode === 'poison') failures.push(record.messageId);
      if (body.mode === 'sleep' || (body.mode === 'sleep-once' && first)) await sleep(body.ms);
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  } finally {
    state.active[queue]! -= 1;
    invocation.ended = Date.now();
  }
}

import { createHash } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueConsumers } from '#contexts/consumers.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { startQueues } from '#local/engines.ts';
import { startQueueConsumers } from '#local/queues.ts';
import { queueUrlVariable } from '#platform/config.ts';
import { dlqName, type QueueConsumer } from '#platform/queues.ts';
import { sendBatch } from '#platform/queues-client.ts';
import { AccessDenied, runWithUses } from '#platform/uses.ts';
import { stack } from '#test/support/api.ts';
import { type ProbeBody, queueProbe } from '#test/support/queue-probe.ts';

// The local stand-in for Lambda's SQS event source mappings (local/queues.ts), against
// its own fauxqs in this process, with test consumers whose handler is a probe.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const region = 'ap-southeast-3';
const base = {
  handler: 'queue-probe',
  batchSize: 5,
  maxConcurrency: 2,
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 3,
  timeoutSeconds: 10,
  memorySize: 128,
  uses: {},
} satisfies Omit<QueueConsumer, 'queue'>;
const consumers: QueueConsumer[] = [
  { ...base, queue: 'test-partial' },
  { ...base, queue: 'test-timeout', timeoutSeconds: 1, visibilityTimeoutSeconds: 2 },
  { ...base, queue: 'test-slow', batchSize: 1, visibilityTimeoutSeconds: 30 },
  { ...base, queue: 'test-fast', visibilityTimeoutSeconds: 30, maxConcurrency: 3 },
];

let fauxqs: Awaited<ReturnType<typeof startQueues>>;
let poller: Awaited<ReturnType<typeof startQueueConsumers>>;
let sqs: SQSClient;
let stopped: Promise<void> | undefined;
const stop = () => (stopped ??= poller.stop());

beforeAll(async () => {
  fauxqs = await startQueues();
  process.env.SQS_ENDPOINT = fauxqs.address;
  poller = await startQueueConsumers({
    consumers,
    functionsDir: new URL('../support/', import.meta.url),
    sqsEndpoint: fauxqs.address,
    region,
  });
  for (const [name, url] of poller.queueUrls) process.env[queueUrlVariable(name)] = url;
  sqs = new SQSClient({
    region,
    endpoint: fauxqs.address,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
});

afterAll(async () => {
  await stop();
  sqs.destroy();
  await fauxqs.stop();
});

/** Sends as a function that declared the queue would. */
const send = (queue: string, bodies: ProbeBody[]) =>
  runWithUses({ queues: { [queue]: 'send' } }, () => sendBatch(queue, bodies));

const deliveries = (queue: string, id: string) =>
  queueProbe()
    .invocations.filter((i) => i.queue === queue)
    .flatMap((i) => i.records.filter((r) => (JSON.parse(r.body) as ProbeBody).id === id));

const until = (what: string, done: () => boolean | Promise<boolean>, timeout = 20_000) =>
  expect.poll(done, { timeout, interval: 50, message: `waiting for ${what}` }).toBe(true);

async function depth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}
const url = (queue: string) => poller.queueUrls.get(queue)!;

describe('the local SQS event source', () => {
  it('makes each queue with its visibility timeout and a DLQ after maxReceiveCount', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url('test-timeout'), AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('2');
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:${region}:000000000000:test-timeout-dlq`,
      maxReceiveCount: 3,
    });
    expect(poller.dlqUrls.get('test-timeout')).toMatch(/test-timeout-dlq$/);
  });

  it('makes, in the local stack, a queue and its DLQ for every declared consumer, one per payment partner', async () => {
    const local = new SQSClient({
      region,
      endpoint: stack().sqsEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    expect(Object.keys(stack().queues).sort()).toEqual(queueConsumers.map((c) => c.queue).sort());
    for (const consumer of payoutQueues) expect(stack().queues[consumer.queue], consumer.queue).toBeDefined();
    for (const consumer of queueConsumers) {
      const { url: queueUrl, dlqUrl } = stack().queues[consumer.queue]!;
      expect(dlqUrl).toMatch(new RegExp(`/${dlqName(consumer.queue)}$`));
      const { Attributes } = await local.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
      );
      expect(Number(Attributes?.VisibilityTimeout)).toBeLessThanOrEqual(consumer.visibilityTimeoutSeconds);
      expect(JSON.parse(Attributes!.RedrivePolicy!).maxReceiveCount).toBe(consumer.maxReceiveCount);
    }
    local.destroy();
  });

  it('delivers the event Lambda sends', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url('test-partial'),
        MessageBody: JSON.stringify({ id: 'shape', mode: 'ok' }),
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'probe' } },
      }),
    );
    await until('the delivery', () => deliveries('test-partial', 'shape').length > 0);
    const record = deliveries('test-partial', 'shape')[0]!;
    expect(Object.keys(record).sort()).toEqual(
      [
        'messageId',
        'receiptHandle',
        'body',
        'attributes',
        'messageAttributes',
        'md5OfBody',
        'md5OfMessageAttributes',
        'eventSource',
        'eventSourceARN',
        'awsRegion',
      ].sort(),
    );
    expect(record).toMatchObject<Partial<SQSRecord>>({
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:000000000000:test-partial`,
      awsRegion: region,
      md5OfBody: createHash('md5').update(record.body).digest('hex'),
      messageAttributes: {
        kind: { stringValue: 'probe', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
    });
    expect(record.attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d{13}$/),
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
    });
  });

  it('redelivers only the messages a partial batch response names, their receive count incremented', async () => {
    const bodies: ProbeBody[] = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => ({
      id,
      mode: id === 'p2' || id === 'p4' ? 'fail-once' : 'ok',
    }));
    await send('test-partial', bodies);
    await until(
      'the retries',
      () => deliveries('test-partial', 'p2').length + deliveries('test-partial', 'p4').length === 4,
    );
    await until('the queue to drain', async () => (await depth(url('test-partial'))) === 0);
    for (const id of ['p1', 'p3', 'p5']) expect(deliveries('test-partial', id)).toHaveLength(1);
    for (const id of ['p2', 'p4'])
      expect(deliveries('test-partial', id).map((r) => r.attributes.ApproximateReceiveCount)).toEqual([
        '1',
        '2',
      ]);
  });

  it('redelivers a whole batch that threw, or answered malformed, after the visibility timeout', async () => {
    await send('test-partial', [
      { id: 't1', mode: 'throw-once' },
      { id: 't2', mode: 'ok' },
      { id: 'm1', mode: 'malformed-once' },
    ]);
    await until(
      'the redeliveries',
      () => deliveries('test-partial', 't1').length === 2 && deliveries('test-partial', 'm1').length === 2,
    );
    await until('the queue to drain', async () => (await depth(url('test-partial'))) === 0);
    const failed = queueProbe().invocations.filter((i) =>
      i.records.some(
        (r) => ['t1', 'm1'].includes(JSON.parse(r.body).id) && r.attributes.ApproximateReceiveCount === '1',
      ),
    );
    for (const invocation of failed)
      for (const record of invocation.records) {
        const again = deliveries('test-partial', JSON.parse(record.body).id);
        expect(again.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
      }
    const retried = queueProbe().invocations.find((i) =>
      i.records.some((r) => JSON.parse(r.body).id === 't1' && r.attributes.ApproximateReceiveCount === '2'),
    )!;
    const first = failed.find((i) => i.records.some((r) => JSON.parse(r.body).id === 't1'))!;
    // Not before the visibility timeout (1 s) has passed.
    expect(retried.started - first.started).toBeGreaterThanOrEqual(900);
  });

  it('treats an invocation that runs past the timeout as failed', async () => {
    const before = poller.counters.get('test-timeout')!.failedInvocations;
    await send('test-timeout', [{ id: 'slow1', mode: 'sleep-once', ms: 2500 }]);
    await until('the redelivery', () => deliveries('test-timeout', 'slow1').length === 2);
    await until('the queue to drain', async () => (await depth(url('test-timeout'))) === 0);
    expect(poller.counters.get('test-timeout')!.failedInvocations).toBe(before + 1);
  });

  it('moves a message that failed maxReceiveCount times to the DLQ', async () => {
    await send('test-partial', [{ id: 'poison', mode: 'poison' }]);
    const dlq = poller.dlqUrls.get('test-partial')!;
    let body: string | undefined;
    await until('the dead letter', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }));
      body = out.Messages?.[0]?.Body;
      return !!body;
    });
    expect(JSON.parse(body!).id).toBe('poison');
    expect(deliveries('test-partial', 'poison').map((r) => r.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(await depth(url('test-partial'))).toBe(0);
  });

  it('never exceeds a queue maxConcurrency, and a slow queue does not hold up another', async () => {
    const slow = Array.from({ length: 6 }, (_, i): ProbeBody => ({ id: `s${i}`, mode: 'sleep', ms: 800 }));
    const fast = Array.from({ length: 30 }, (_, i): ProbeBody => ({ id: `f${i}`, mode: 'ok' }));
    await send('test-slow', slow);
    await send('test-fast', fast);
    await until('the fast queue', () => fast.every((b) => deliveries('test-fast', b.id).length === 1));
    const fastDone = Date.now();
    await until('the slow queue', () => slow.every((b) => deliveries('test-slow', b.id).length === 1));
    await until('the slow queue to drain', async () => (await depth(url('test-slow'))) === 0);
    const slowEnded = Math.max(
      ...queueProbe()
        .invocations.filter((i) => i.queue === 'test-slow')
        .map((i) => i.ended ?? Number.POSITIVE_INFINITY),
    );
    // 6 messages of 0.8 s, two at a time: at least 2.4 s; the 30 fast ones came well before.
    expect(slowEnded - fastDone).toBeGreaterThan(1000);
    expect(queueProbe().maxActive['test-slow']).toBe(2);
    expect(queueProbe().maxActive['test-fast']).toBeLessThanOrEqual(3);
    for (const consumer of consumers)
      expect(poller.counters.get(consumer.queue)!.maxInFlight).toBeLessThanOrEqual(consumer.maxConcurrency);
    expect(poller.counters.get('test-slow')).toMatchObject({ invocations: 6, deleted: 6, maxInFlight: 2 });
  });

  it('refuses, locally as IAM would, a send to a queue the function did not declare', async () => {
    await expect(runWithUses({}, () => sendBatch('test-fast', [{ id: 'x', mode: 'ok' }]))).rejects.toThrow(
      AccessDenied,
    );
    await expect(
      runWithUses({ queues: { 'test-slow': 'send' } }, () =>
        sendBatch('test-fast', [{ id: 'x', mode: 'ok' }]),
      ),
    ).rejects.toThrow(/sqs:SendMessage test-fast/);
  });

  it('waits on stop for the invocation in flight', async () => {
    await send('test-slow', [{ id: 'last', mode: 'sleep', ms: 1000 }]);
    await until('the invocation', () => deliveries('test-slow', 'last').length === 1);
    await stop();
    expect(queueProbe().active['test-slow']).toBe(0);
    expect(poller.counters.get('test-slow')!.inFlight).toBe(0);
    expect(await depth(url('test-slow'))).toBe(0);
  });
});

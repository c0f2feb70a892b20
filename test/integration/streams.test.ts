import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, expect, it, vi } from 'vitest';
import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { startStreamConsumer } from '#local/streams.ts';
import { stack } from '#test/support/api.ts';
import { probe } from '#test/support/stream-probe.ts';

// The local poller's failure handling, step by step, against the stack's real DynamoDB
// Local stream: a second consumer with the outbox sender's declared settings, a probe
// handler, and its own filter and failure queue, so the outbox sender is not disturbed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const run = `STREAMTEST#${randomUUID()}`;
const local = { region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
let stop: (() => Promise<void>) | undefined;
afterAll(() => stop?.());

it('resumes from the first failure, bisects what is left, and gives up after the retries', async () => {
  const consumer = {
    ...outboxConsumer,
    handler: 'stream-probe',
    // From now on: the shared stack's stream already holds everything the run wrote.
    startingPosition: 'LATEST' as const,
    filter: { eventName: ['INSERT'], dynamodb: { Keys: { PK: { S: [run] } } } },
    failureQueue: `ProbeFailures-${randomUUID()}`,
  };
  const state = probe();
  // c fails twice, e always.
  state.failures = { c: 2, e: Number.POSITIVE_INFINITY };
  const consumerStack = await startStreamConsumer({
    consumer,
    functionsDir: new URL('../support/', import.meta.url),
    dynamoEndpoint: stack().dynamoEndpoint,
    sqsEndpoint: stack().sqsEndpoint,
    tableName: stack().tableName,
    region: 'ap-southeast-3',
    pollMs: 50,
    retryDelayMs: 10,
  });
  stop = consumerStack.stop;
  const dynamo = new DynamoDBClient({ ...local, endpoint: stack().dynamoEndpoint });
  await dynamo.send(
    new TransactWriteItemsCommand({
      TransactItems: ['a', 'b', 'c', 'd', 'e'].map((SK) => ({
        Put: { TableName: stack().tableName, Item: { PK: { S: run }, SK: { S: SK }, type: { S: 'Probe' } } },
      })),
    }),
  );
  const sqs = new SQSClient({ ...local, endpoint: stack().sqsEndpoint });
  const failure: any = await vi.waitFor(
    async () => {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: consumerStack.failureQueueUrl, WaitTimeSeconds: 1 }),
      );
      if (!out.Messages?.[0]) throw new Error('no failure record yet');
      return JSON.parse(out.Messages[0].Body!);
    },
    { timeout: 30_000, interval: 0 },
  );

  const retries = outboxConsumer.retryAttempts;
  expect(state.invocations).toEqual([
    ['a', 'b', 'c', 'd', 'e'], // a and b sent, c reported: the checkpoint moves to c
    ['c', 'd'], // what is left is bisected: [c, d] and [e]; c fails again
    ['c'], // [c, d] bisected again
    ['d'],
    ...Array.from({ length: retries }, () => ['e']), // e has failed once already
  ]);
  // Each record before a failure point is delivered exactly once; e never.
  expect(state.delivered).toEqual({ a: 1, b: 1, c: 1, d: 1 });
  expect(failure).toMatchObject({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: retries + 1 },
    DDBStreamBatchInfo: { batchSize: 1, streamArn: consumerStack.streamArn },
  });
  expect(failure.DDBStreamBatchInfo.startSequenceNumber).toBe(failure.DDBStreamBatchInfo.endSequenceNumber);
});

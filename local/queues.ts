import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { clientOptions } from '#platform/config.ts';
import { handlerFile } from '#platform/handlers.ts';
import { logger } from '#platform/logger.ts';
import { dlqName, type QueueConsumer } from '#platform/queues.ts';
import { runWithUses } from '#platform/uses.ts';

// The local stand-in for Lambda's SQS event source mappings (platform/queues.ts): makes each
// queue and its DLQ in fauxqs with the declared visibility timeout and redrive policy, and
// polls each queue as Lambda does: at most maxConcurrency invocations of its consumer at
// once (each queue has its own pollers, so a slow queue never slows another), batches of
// batchSize (gathered for up to maxBatchingWindowSeconds), and partial batch responses:
// the messages a response names stay on the queue, the rest are deleted. A thrown error,
// a malformed response or a timeout deletes none: they come back after the visibility
// timeout, and fauxqs moves a message to the DLQ after maxReceiveCount receives.

export interface QueueConsumersOptions {
  consumers: readonly QueueConsumer[];
  functionsDir: URL;
  sqsEndpoint: string;
  region: string;
  /** Overrides every queue's visibility timeout (tests want redeliveries in seconds). */
  visibilityTimeoutSeconds?: number | undefined;
  /** Long-poll wait of each receive (stop() aborts a wait in progress). */
  waitTimeSeconds?: number;
}

export interface QueueCounters {
  /** Handler invocations so far. */
  invocations: number;
  /** Invocations running now, and the most that ever ran at once. */
  inFlight: number;
  maxInFlight: number;
  /** Messages deleted after a successful (or partly successful) invocation. */
  deleted: number;
  /** Invocations that failed as a whole (threw, timed out, malformed response). */
  failedInvocations: number;
}

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined | null>;

const ACCOUNT = '000000000000';
const FOURTEEN_DAYS = String(14 * 24 * 3600);

/** Lambda's message attribute shape: lower-case fields, binary values in base64. */
function toLambdaAttributes(message: Message): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

/** The record Lambda delivers for one message. */
function toLambdaRecord(message: Message, queue: string, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  const attributes: SQSRecord['attributes'] = {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? '',
    SenderId: a.SenderId ?? ACCOUNT,
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
  };
  for (const name of [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
  ] as const)
    if (a[name]) attributes[name] = a[name];
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes,
    messageAttributes: toLambdaAttributes(message),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${region}:${ACCOUNT}:${queue}`,
    awsRegion: region,
  };
}

/**
 * The ids to keep on the queue, as Lambda reads a partial batch response; undefined when
 * the response is malformed (Lambda then fails the whole batch). No response, or one
 * without batchItemFailures (or with an empty list), means every message succeeded.
 */
export function failuresOf(batch: SQSRecord[], response: unknown): Set<string> | undefined {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return undefined;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return undefined;
  const ids = new Set(batch.map((r) => r.messageId));
  const out = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // An empty or unknown identifier fails the whole batch, as on Lambda.
    if (typeof id !== 'string' || !ids.has(id)) return undefined;
    out.add(id);
  }
  return out;
}

function lambdaContext(consumer: QueueConsumer, region: string, deadline: number): Context {
  const name = `prakerja-${consumer.handler.replace(/\W/g, '-')}`;
  return {
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
    memoryLimitInMB: String(consumer.memorySize),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function startQueueConsumers(options: QueueConsumersOptions) {
  const { consumers, region } = options;
  const names = consumers.map((c) => c.queue);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`queue ${duplicate} has two consumers`);
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const sqs = new SQSClient({ ...clientOptions(options.sqsEndpoint), region });

  /** Creates a queue, or sets its attributes if it exists (fauxqs refuses other attributes on create). */
  async function ensureQueue(QueueName: string, attributes: Record<string, string>) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl!;
  }

  const queueUrls = new Map<string, string>();
  const dlqUrls = new Map<string, string>();
  for (const consumer of consumers) {
    const dlqUrl = await ensureQueue(dlqName(consumer.queue), { MessageRetentionPeriod: FOURTEEN_DAYS });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueUrl = await ensureQueue(consumer.queue, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? consumer.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: Attributes!.QueueArn,
        maxReceiveCount: consumer.maxReceiveCount,
      }),
    });
    queueUrls.set(consumer.queue, queueUrl);
    dlqUrls.set(consumer.queue, dlqUrl);
  }

  const abort = new AbortController();
  const counters = new Map<string, QueueCounters>(
    consumers.map((c) => [
      c.queue,
      { invocations: 0, inFlight: 0, maxInFlight: 0, deleted: 0, failedInvocations: 0 },
    ]),
  );
  const handlers = new Map<string, Promise<Handler>>();
  const load = (handler: string) => {
    let loaded = handlers.get(handler);
    if (!loaded) {
      loaded = import(new URL(handlerFile(handler), options.functionsDir).href).then(
        (m: { handler: Handler }) => m.handler,
      );
      handlers.set(handler, loaded);
    }
    return loaded;
  };

  /** One receive as the mapping's poller makes it; [] when stopped or nothing came. */
  async function receive(queueUrl: string, max: number, wait: number): Promise<Message[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: wait,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return out.Messages ?? [];
  }

  /** A batch: one receive, or several within the batching window up to batchSize. */
  async function gather(consumer: QueueConsumer, queueUrl: string): Promise<Message[]> {
    const batch: Message[] = [];
    const windowMs = (consumer.maxBatchingWindowSeconds ?? 0) * 1000;
    let deadline = 0;
    do {
      const left = deadline ? Math.ceil((deadline - Date.now()) / 1000) : waitTimeSeconds;
      const wait = Math.max(0, Math.min(waitTimeSeconds, left));
      const got = await receive(queueUrl, Math.min(10, consumer.batchSize - batch.length), wait);
      if (!batch.length && got.length && windowMs) deadline = Date.now() + windowMs;
      batch.push(...got);
    } while (
      batch.length &&
      batch.length < consumer.batchSize &&
      Date.now() < deadline &&
      !abort.signal.aborted
    );
    return batch;
  }

  async function remove(queueUrl: string, records: SQSRecord[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < records.length; i += 10) {
      const out = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: records
            .slice(i, i + 10)
            .map((r, j) => ({ Id: String(i + j), ReceiptHandle: r.receiptHandle })),
        }),
      );
      deleted += out.Successful?.length ?? 0;
      // A receipt handle that expired (the batch ran past the visibility timeout) is not
      // deleted: the message comes back, as on AWS.
      if (out.Failed?.length)
        logger.warn('queue messages not deleted', { failed: out.Failed.length, code: out.Failed[0]?.Code });
    }
    return deleted;
  }

  /** One invocation, as Lambda makes it; the messages to delete, or none if it failed. */
  async function invoke(consumer: QueueConsumer, queueUrl: string, messages: Message[]) {
    const count = counters.get(consumer.queue)!;
    const records = messages.map((m) => toLambdaRecord(m, consumer.queue, region));
    const deadline = Date.now() + consumer.timeoutSeconds * 1000;
    count.invocations += 1;
    count.inFlight += 1;
    count.maxInFlight = Math.max(count.maxInFlight, count.inFlight);
    let failed: Set<string> | undefined;
    try {
      const handle = await load(consumer.handler);
      const ended = new AbortController();
      const run = runWithUses(
        consumer.uses,
        () => handle({ Records: records }, lambdaContext(consumer, region, deadline)),
        consumer.handler,
        ended.signal,
      );
      const timeout = sleep(consumer.timeoutSeconds * 1000, 'timeout' as const, { ref: false });
      const response = await Promise.race([run, timeout]);
      if (response === 'timeout') {
        // Lambda ends the invocation here; the local handler runs on until its next call
        // out, which is refused (platform/uses.ts requireRunning), and its result is ignored.
        ended.abort();
        void run.catch(() => undefined);
        logger.error('queue consumer timed out', { queue: consumer.queue, handler: consumer.handler });
      } else {
        failed = failuresOf(records, response);
        if (!failed)
          logger.error('queue consumer returned a malformed batch response', { queue: consumer.queue });
      }
    } catch (error) {
      logger.error('queue consumer invocation failed', {
        queue: consumer.queue,
        handler: consumer.handler,
        error: (error as Error).name,
      });
    } finally {
      count.inFlight -= 1;
    }
    if (!failed) {
      count.failedInvocations += 1;
      return;
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    // Not `count.deleted += await ...`: that would read the counter before another poller adds to it.
    const deleted = done.length ? await remove(queueUrl, done) : 0;
    count.deleted += deleted;
  }

  /** One of a queue's maxConcurrency pollers: receive (a long poll: an idle queue costs one
   *  request per poller every waitTimeSeconds), invoke, delete, again. */
  async function poller(consumer: QueueConsumer, queueUrl: string) {
    while (!abort.signal.aborted) {
      try {
        const batch = await gather(consumer, queueUrl);
        if (batch.length) await invoke(consumer, queueUrl, batch);
      } catch (error) {
        if (abort.signal.aborted) break;
        logger.warn('queue poll failed', { queue: consumer.queue, error: (error as Error).name });
        await sleep(1000, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  }

  const pollers = consumers.flatMap((consumer) =>
    Array.from({ length: consumer.maxConcurrency }, () => poller(consumer, queueUrls.get(consumer.queue)!)),
  );

  return {
    /** Queue name -> URL, and the URL of each queue's DLQ. */
    queueUrls: queueUrls as ReadonlyMap<string, string>,
    dlqUrls: dlqUrls as ReadonlyMap<string, string>,
    /** Per queue, what the pollers did (for tests). */
    counters: counters as ReadonlyMap<string, Readonly<QueueCounters>>,
    /** Stops polling and waits for the invocations in flight (and their deletes). */
    stop: async () => {
      abort.abort();
      await Promise.all(pollers);
      sqs.destroy();
    },
  };
}

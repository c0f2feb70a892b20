import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientOptions, config } from '#platform/config.ts';
import { requireUse } from '#platform/uses.ts';

// Sending to the declared queues (platform/queues.ts): SQS on AWS, fauxqs locally; the
// queue's URL comes from the environment its declared use sets (`<QUEUE>_QUEUE_URL`).

let client: SQSClient | undefined;

/** One SQS client per container. */
export function sqs(): SQSClient {
  client ??= new SQSClient(clientOptions(config.sqsEndpoint));
  return client;
}

const BATCH = 10;
const ATTEMPTS = 4;

export class SendFailed extends Error {
  override name = 'SendFailed';
}

/** Sends every body (JSON) to `queue`, ten per request (`inFlight` requests at once),
 *  each hidden `delaySeconds` first if given, retrying the entries SQS did not take; throws
 *  if some are still refused after the retries (the caller's retry then sends them again:
 *  consumers must be idempotent, as SQS is at least once anyway). */
export async function sendBatch(
  queue: string,
  bodies: unknown[],
  options: { inFlight?: number; delaySeconds?: (index: number) => number } = {},
): Promise<void> {
  requireUse(`sqs:SendMessage ${queue}`, (uses) => uses.queues?.[queue] === 'send');
  const QueueUrl = config.queueUrl(queue);
  const starts: number[] = [];
  for (let start = 0; start < bodies.length; start += BATCH) starts.push(start);
  const one = async (start: number) => {
    let entries = bodies.slice(start, start + BATCH).map((body, i) => ({
      Id: String(start + i),
      MessageBody: JSON.stringify(body),
      ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds(start + i) } : {}),
    }));
    for (let attempt = 1; entries.length; attempt += 1) {
      const out = await sqs().send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
      const failed = out.Failed ?? [];
      // A sender's fault (a malformed entry) does not get better by retrying.
      const fatal = failed.find((f) => f.SenderFault);
      if (fatal) throw new SendFailed(`${queue}: entry ${fatal.Id} refused: ${fatal.Code}`);
      const retry = new Set(failed.map((f) => f.Id));
      entries = entries.filter((e) => retry.has(e.Id));
      if (!entries.length) break;
      if (attempt >= ATTEMPTS) throw new SendFailed(`${queue}: ${entries.length} entries not sent`);
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  };
  const width = Math.max(1, options.inFlight ?? 1);
  for (let i = 0; i < starts.length; i += width) await Promise.all(starts.slice(i, i + width).map(one));
}

/** What a queue holds now (ApproximateNumberOfMessages*), for a function that declared it counts it. */
export async function queueCounts(
  queue: string,
): Promise<{ waiting: number; inFlight: number; delayed: number }> {
  requireUse(`sqs:GetQueueAttributes ${queue}`, (uses) => uses.queues?.[queue] === 'count');
  const out = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: config.queueUrl(queue),
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const n = (name: string) => Number(out.Attributes?.[name as 'ApproximateNumberOfMessages'] ?? 0);
  return {
    waiting: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    delayed: n('ApproximateNumberOfMessagesDelayed'),
  };
}

const urls = new Map<string, Promise<string>>();

/** The URL of the queue a record came from (its event source ARN names it). */
function urlOf(eventSourceARN: string): Promise<string> {
  let url = urls.get(eventSourceARN);
  if (!url) {
    const QueueName = eventSourceARN.split(':').at(-1)!;
    url = sqs()
      .send(new GetQueueUrlCommand({ QueueName }))
      .then((out) => out.QueueUrl!);
    url.catch(() => urls.delete(eventSourceARN));
    urls.set(eventSourceARN, url);
  }
  return url;
}

/** A consumer leaving a message for later hides it `seconds` from now (its own queue:
 *  the event source mapping's grant covers sqs:GetQueueUrl and sqs:ChangeMessageVisibility). */
export async function delayRedelivery(
  record: { eventSourceARN: string; receiptHandle: string },
  seconds: number,
): Promise<void> {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: await urlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.round(seconds),
    }),
  );
}

import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type Notice, type OutboxMessage, outbox } from '#contexts/notifications/items.ts';
import { send } from '#contexts/notifications/provider.ts';
import { noticeQueueName } from '#contexts/notifications/queues.ts';
import { laneOf } from '#contexts/notifications/rules/lanes.ts';
import { noticeIdOf } from '#contexts/notifications/rules/notice-id.ts';
import { claim, confirmMany, release } from '#contexts/notifications/store/sent-markers.ts';
import { outcome } from '#contexts/selection/items.ts';
import { faults } from '#platform/faults.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';
import { sendBatch } from '#platform/queues-client.ts';

// The stream's consumer of new Outbox items (the filter in contexts/notifications/
// consumers.ts). Two paths (docs/notifications.md): a code is sent at once; a bulk notice
// is only moved to its channel's queue, ten to an SQS call, so a draw's millions of
// notices pass through a shard faster than the table can write them and a code is never
// behind more than one batch. Delivery is at least once: a bulk notice forwarded twice
// is still sent once (its id, send-notices.ts), and so is a code (its sent marker).

function messageOf(record: DynamoDBRecord): { message: OutboxMessage; id: string } | undefined {
  // The stream's image type (aws-lambda) and the SDK's AttributeValue differ only in name.
  const image = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  const id = noticeIdOf({ PK: String(image.PK), SK: String(image.SK) });
  if (!outcome.matches(image)) return { message: outbox.parse(image), id };
  // A selection outcome: only a not-selected one carries a notice (the selected are told
  // by outbox items of their issuing transaction).
  const { notice } = outcome.parse(image);
  return notice
    ? {
        id,
        message: {
          to: notice.to,
          channel: 'email',
          template: 'selection-not-selected',
          data: { waveName: notice.waveName },
        },
      }
    : undefined;
}

/** Where an injected crash hits: after a code left and its marker says so, before the
 *  batch is done (the stream delivers it again, which must find the code sent). */
export const CODE_AFTER_SEND_FAULT = 'notifications.code-after-send';

export const handler = (event: DynamoDBStreamEvent) => observed('sendOutbox', () => sendAll(event));

async function sendAll(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const read = event.Records.map((record) => ({ record, found: messageOf(record) }));
  // Bulk first, all of the batch's: a failed code below makes the records after it come
  // again, and a notice forwarded again is still sent once.
  const bulk = read.flatMap(({ found }) =>
    found && laneOf(found.message.template) === 'bulk' ? [{ ...found.message, id: found.id } as Notice] : [],
  );
  await Promise.all(
    (['email', 'sms'] as const).map(async (channel) => {
      const notices = bulk.filter((n) => n.channel === channel);
      if (notices.length) await sendBatch(noticeQueueName(channel), notices, { inFlight: 10 });
    }),
  );
  if (bulk.length) count('NoticeQueued', bulk.length);
  // Codes, each once: claimed, sent, confirmed (store/sent-markers.ts), so a batch the
  // stream delivers again after a code left (a crash, a timeout, a later record's failure
  // bisected) finds it sent and does not send it again.
  const holder = randomUUID();
  let sent = 0;
  for (const { record, found } of read) {
    if (!found || laneOf(found.message.template) === 'bulk') continue;
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const { message, id } = found;
    if ((await claim(id, holder, Date.now(), { takeOver: true })) === 'sent') {
      count('CodeAlreadySent');
      logger.info('code already sent', { sequenceNumber, template: message.template });
      continue;
    }
    try {
      await send(message, 'code');
    } catch (error) {
      await release(id, holder);
      logger.error('outbox message not sent', { sequenceNumber, error: (error as Error).name });
      // Lambda resumes a stream from the first failure, so the records after it come
      // again anyway: stopping here keeps them from being sent twice.
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
    // Not confirmed: sent once all the same, unless this batch comes again (then twice).
    await confirmMany([id], holder, Date.now()).catch((error: Error) =>
      logger.error('code not confirmed', { sequenceNumber, error: error.name }),
    );
    count('MessageSent');
    // Ids and outcomes only: never the address or the code.
    logger.info('outbox message sent', {
      sequenceNumber,
      channel: message.channel,
      template: message.template,
    });
    faults.check(CODE_AFTER_SEND_FAULT, { done: ++sent });
  }
  return { batchItemFailures: [] };
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Notice } from '#contexts/notifications/items.ts';
import { send } from '#contexts/notifications/provider.ts';
import {
  type Channel,
  noticeQueueName,
  providerRate,
  SENDER_TIMEOUT_S,
} from '#contexts/notifications/queues.ts';
import { bulkRate, isThrottled, throttleDelaySeconds } from '#contexts/notifications/rules/rate.ts';
import { takeSends } from '#contexts/notifications/store/rate-bucket.ts';
import { operatorRate } from '#contexts/notifications/store/sending-rates.ts';
import { claim, confirmMany, LEASE_MS, release } from '#contexts/notifications/store/sent-markers.ts';
import { faults } from '#platform/faults.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';
import { redeliveryDelaySeconds } from '#platform/queues.ts';
import { delayRedelivery, sendBatch } from '#platform/queues-client.ts';

// A bulk queue's sender (contexts/notifications/queues.ts): at most its channel's share of
// the provider's rate, all senders together (the token bucket in the table), and each
// notice once (docs/notifications.md, "Exactly once"): claim its sent marker, send,
// confirm. A throttled send is queued again with a growing delay, as a new message, so
// throttling never counts towards the DLQ; a refused one stays on the queue and after
// maxReceiveCount receives goes to the DLQ (alarmed, runbook "notices-dead-letters").

/** A notice as it rides the queue: how many times the provider throttled it so far. */
type Queued = Notice & { throttled?: number };

/** The first retry of a refused send; it doubles per receive (platform/queues.ts). */
const REFUSED_RETRY_S = 10;

/** Where an injected crash hits: after the provider took the notice and the marker says so,
 *  before the message is deleted (a redelivery must find it sent). */
export const AFTER_SEND_FAULT = 'notifications.after-send';

export const handler = (event: SQSEvent) => observed('sendNotices', () => sendNotices(event));

async function sendNotices(event: SQSEvent): Promise<SQSBatchResponse> {
  const started = Date.now();
  const holder = randomUUID();
  const failures: string[] = [];
  const throttled: Queued[] = [];
  const records = event.Records.map((record) => ({ record, notice: JSON.parse(record.body) as Queued }));
  const channel = (records[0]?.notice.channel ?? 'email') as Channel;

  // Claims: a notice sent already is a duplicate delivery (deleted with the batch); one
  // held by another sender comes back when that sender's lease is out.
  const mine: typeof records = [];
  await Promise.all(
    records.map(async (r) => {
      const claimed = await claim(r.notice.id, holder, Date.now());
      if (claimed === 'claimed') mine.push(r);
      else if (claimed === 'sent') count('NoticeAlreadySent');
      else await later(r.record, failures, LEASE_MS / 1000);
    }),
  );

  let next = 0;
  let sent = 0;
  while (next < mine.length) {
    // An operator's setting (cached 10 s) or the declaration.
    const limit = bulkRate((await operatorRate(channel)) ?? providerRate(channel));
    const granted = await takeSends(channel, mine.length - next, limit, Date.now());
    if (!granted) {
      // The second is full: wait for the next, unless the invocation would run out first.
      if (Date.now() - started > (SENDER_TIMEOUT_S - 5) * 1000) break;
      await sleep(1000 - (Date.now() % 1000) + 5);
      continue;
    }
    const slice = mine.slice(next, next + granted);
    next += granted;
    const confirmed: string[] = [];
    await Promise.all(
      slice.map(async ({ record, notice }) => {
        try {
          await send(notice, 'bulk', notice.id);
        } catch (error) {
          await release(notice.id, holder);
          if (isThrottled(error as Error)) {
            throttled.push({ ...notice, throttled: (notice.throttled ?? 0) + 1 });
            count('NoticeThrottled');
          } else {
            // Ids and outcomes only: never the address. Tried again 10 s later, then
            // doubling, until the DLQ (a timeout too: it may have left, and is then the
            // one duplicate docs/notifications.md names).
            logger.error('notice not sent', { noticeId: notice.id, channel, error: (error as Error).name });
            const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
            await later(record, failures, redeliveryDelaySeconds(receive, REFUSED_RETRY_S, 900));
          }
          return;
        }
        confirmed.push(notice.id);
      }),
    );
    // One write for the slice's markers. Should it fail, the messages stay and come back
    // after the lease: each sent again (the crash window docs/notifications.md names).
    if (confirmed.length) await confirmMany(confirmed, holder, Date.now());
    count('NoticeSent', confirmed.length);
    sent += confirmed.length;
  }
  // What found no room in this invocation's time goes back to the queue, unsent and unclaimed.
  for (const { record, notice } of mine.slice(next)) {
    await release(notice.id, holder);
    await later(record, failures, 1);
  }
  if (throttled.length) {
    try {
      await sendBatch(noticeQueueName(channel), throttled, {
        delaySeconds: (i) => throttleDelaySeconds(throttled[i]!.throttled!),
      });
    } catch (error) {
      // Not queued again: their messages stay, and come back after the visibility timeout.
      logger.error('throttled notices not queued again', { error: (error as Error).name });
      const ids = new Set(throttled.map((n) => n.id));
      for (const r of records) if (ids.has(r.notice.id)) failures.push(r.record.messageId);
    }
  }
  for (let done = 1; done <= sent; done++) faults.check(AFTER_SEND_FAULT, { done });
  if (sent)
    logger.info('notices sent', { channel, sent, throttled: throttled.length, left: failures.length });
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** Leaves a message for later, hidden `seconds`. */
async function later(record: SQSRecord, failures: string[], seconds: number): Promise<void> {
  failures.push(record.messageId);
  await delayRedelivery(record, seconds).catch(() => undefined);
}

import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outbox } from '#contexts/items.ts';
import type { StackInfo } from '#local/stack.ts';
import { documentClient } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';

// Bulk notices written straight to the table, as a draw's announce pass writes them (an
// Outbox item each, which the stream consumer moves to its channel's queue), and what the
// SES and SNS stand-ins counted.

export interface Tally {
  sends: number;
  distinct: number;
  duplicated: number;
  throttled: number;
}

/** `n` bulk notices to addresses of their own, one in `smsEvery` by SMS; their recipients. */
export async function writeBulkNotices(stack: StackInfo, n: number, smsEvery = 10): Promise<string[]> {
  const client = documentClient(stack);
  const run = randomUUID().slice(0, 8);
  const sentAt = new Date().toISOString();
  const items = Array.from({ length: n }, (_, i) => {
    const sms = smsEvery > 0 && i % smsEvery === 0;
    const to = sms
      ? `+6289${run.replace(/\D/g, '1').slice(0, 4)}${String(i).padStart(5, '0')}`
      : `notice-${run}-${i}@example.com`;
    return outbox.item(
      {
        to,
        channel: sms ? 'sms' : 'email',
        template: 'deadline-reminder',
        data: { wave: `run ${run}` },
        sentAt,
        expiresAtEpoch: Math.floor(Date.now() / 1000) + 86_400,
      },
      { to, sentAt, id: `${run}-${i}` },
    );
  });
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const start = next;
      next += 25;
      let requests: unknown[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await client.send(
          new BatchWriteCommand({ RequestItems: { [stack.tableName]: requests as never } }),
        );
        requests = out.UnprocessedItems?.[stack.tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  client.destroy();
  return items.map((i) => String(i.to));
}

export async function tally(apiUrl: string): Promise<Tally> {
  return (await request<Tally>(apiUrl, 'GET', '/_local/sent/tally')).body;
}

export async function setSendingRate(
  apiUrl: string,
  rate: { email?: number; sms?: number; sendersFollow?: boolean },
): Promise<void> {
  const out = await request(apiUrl, 'POST', '/_local/notifications/rate', { body: rate });
  if (out.status !== 200) throw new Error(`rate switch: ${out.status}`);
}

/** The tally's growth since `before`. */
export const grown = (before: Tally, after: Tally): Tally => ({
  sends: after.sends - before.sends,
  distinct: after.distinct - before.distinct,
  duplicated: after.duplicated - before.duplicated,
  throttled: after.throttled - before.throttled,
});

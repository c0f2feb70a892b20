import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { account } from '#contexts/accounts/items.ts';
import { card, participant } from '#contexts/selection/items.ts';
import { newCardNumber } from '#contexts/selection/rules/draw.ts';
import { type PartnerKey, sendSigned } from '../../scripts/sign-request.ts';

export interface BenchParticipant {
  accountId: string;
  cardNumber: string;
  phone: string;
}

let serial = 0;

/**
 * `count` participants as the selection writes them (participant and card, a month to
 * spend 3.5 million), each with the account a purchase checks (its phone verified),
 * straight to the table in batches: the benchmarks' purchasers, not what they measure.
 */
export async function seedBenchParticipants(
  client: DynamoDBDocumentClient,
  tableName: string,
  count: number,
): Promise<BenchParticipant[]> {
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const made = Array.from({ length: count }, () => ({
    accountId: randomUUID(),
    cardNumber: newCardNumber(),
    phone: `+6289${String(100_000_000 + serial++).slice(-9)}`,
  }));
  // Three items each: 8 participants fill a batch of 25 at most.
  for (let i = 0; i < made.length; i += 8) {
    let writes: Record<string, unknown>[] = made.slice(i, i + 8).flatMap((p) =>
      [
        {
          ...account.key(p),
          type: account.type,
          accountId: p.accountId,
          phone: p.phone,
          phoneVerified: true,
        },
        {
          ...participant.key(p),
          type: participant.type,
          ...p,
          waveId: 'bench',
          balanceIdr: 3_500_000,
          status: 'ACTIVE',
          purchaseDeadline: deadline,
          email: `${p.accountId}@example.com`,
        },
        card.item({ accountId: p.accountId }, p),
      ].map((Item) => ({ PutRequest: { Item } })),
    );
    while (writes.length) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: writes } }));
      writes = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
  return made;
}

/** The course `bench` (500,000 rupiah) in every platform's catalogue, what the purchasers buy. */
export async function putBenchCourse(apiUrl: string, keys: readonly PartnerKey[]): Promise<void> {
  for (const key of keys) {
    const course = await sendSigned(apiUrl, key, {
      method: 'PUT',
      path: '/v1/partner/courses/bench',
      body: JSON.stringify({
        title: 'Bench',
        institution: { id: 'lp-bench', name: 'LP' },
        priceIdr: 500_000,
        mode: 'online',
        category: 'x',
      }),
    });
    if (course.status >= 300) throw new Error(`course: ${course.status}`);
  }
}

// The baseline of bench:purchases: the minimal work for the same business outcome, a
// course bought, paid, redeemed and completed, through the same store functions the
// routes call, straight to DynamoDB Local: the same reads and the same transactions,
// without HTTP, handler, validation, signature, Idempotency-Key record or signature-once
// record. The SMS code is known here (no outbox read). The raw engine rate beside it is
// 4-item transactions (the confirmation's size) at the same concurrency.
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SpawnedStack } from '#local/spawn-stack.ts';
import type { BenchParticipant } from '#test/bench/participants.ts';
import { Latencies, round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';

export async function baselineRunner(stack: SpawnedStack) {
  Object.assign(process.env, {
    TABLE_NAME: stack.info.tableName,
    DYNAMODB_ENDPOINT: stack.info.dynamoEndpoint,
  });
  const { withInvocation } = await import('#platform/observability.ts');
  const { purchaseRefusal } = await import('#contexts/purchases/rules/purchases.ts');
  const { judgeCode } = await import('#contexts/accounts/rules/verification.ts');
  const { hashCode } = await import('#platform/crypto.ts');
  const { issueCode } = await import('#contexts/accounts/store/accounts.ts');
  const store = await import('#contexts/purchases/store/purchases.ts');

  /** The routes' store calls for one phase of flows (as the HTTP run's phases). */
  const create = async (p: BenchParticipant, partnerId: string) => {
    const now = new Date();
    const { participant, course } = await store.cardHolderAndCourse(p.cardNumber, partnerId, 'bench');
    if (!participant || !course || purchaseRefusal(participant, course.priceIdr, now))
      throw new Error('baseline: cannot buy');
    const { code, stored } = issueCode(now.getTime());
    const purchaseId = randomUUID();
    await store.insertPurchase(
      {
        purchaseId,
        partnerId,
        courseId: course.courseId,
        courseTitle: course.title,
        institution: course.institution,
        priceIdr: course.priceIdr,
        accountId: participant.accountId,
        cardNumber: p.cardNumber,
        status: 'PENDING_OTP',
        createdAt: now.toISOString(),
        otp: stored,
      },
      participant.phone,
      code,
      now,
    );
    return { purchaseId, code };
  };
  const confirm = async (purchaseId: string, code: string) => {
    const now = new Date();
    const purchase = (await store.getPurchase(purchaseId))!;
    if (judgeCode(purchase.otp, hashCode(code, purchase.otp!.salt), now.getTime()) !== 'ok')
      throw new Error('baseline: code refused');
    const paid = await store.confirmPurchase(purchase, now);
    if (typeof paid === 'string') throw new Error(`baseline: ${paid}`);
    return paid.voucherCode;
  };
  const redeem = async (purchaseId: string, voucherCode: string) => {
    const purchase = (await store.getPurchase(purchaseId))!;
    if ((await store.redeemPurchase(purchase, voucherCode, new Date())) !== 'redeemed')
      throw new Error('baseline: not redeemed');
  };
  const complete = async (purchaseId: string) => {
    const now = new Date();
    const purchase = (await store.getPurchase(purchaseId))!;
    if (!(await store.completePurchase(purchase, now.toISOString(), 'B', now)))
      throw new Error('baseline: not completed');
  };

  /** N flows at `concurrency`: creates first, then confirm -> redeem -> complete. */
  const run = async (
    participants: BenchParticipant[],
    partnerIds: string[],
    concurrency: number,
    latencies = new Latencies(),
  ) => {
    const { invocation, result } = withInvocation(async () => {
      const made: { purchaseId: string; code: string }[] = [];
      const started = performance.now();
      await runPool(participants.length, concurrency, async (i) => {
        made[i] = await latencies.time('create', () =>
          create(participants[i]!, partnerIds[i % partnerIds.length]!),
        );
      });
      await runPool(participants.length, concurrency, async (i) => {
        const { purchaseId, code } = made[i]!;
        const voucherCode = await latencies.time('confirm', () => confirm(purchaseId, code));
        await latencies.time('redeem', () => redeem(purchaseId, voucherCode));
        await latencies.time('complete', () => complete(purchaseId));
      });
      return (performance.now() - started) / 1000;
    });
    const seconds = await result;
    return {
      seconds,
      calls: invocation.calls,
      billedWrite: invocation.billedWrite,
      billedRead: invocation.billedRead,
    };
  };

  /** The raw engine: 4-item transactions of 200-byte items at `concurrency`. */
  const raw = async (count: number, concurrency: number) => {
    const client = documentClient(stack.info);
    const TableName = stack.info.tableName;
    const started = performance.now();
    await runPool(count, concurrency, async () => {
      const id = randomUUID();
      await client.send(
        new TransactWriteCommand({
          TransactItems: ['PURCHASE', 'PARTICIPANT', 'LEDGER', 'VOUCHER'].map((kind) => ({
            Put: { TableName, Item: { PK: `RAW#${id}`, SK: kind, payload: 'x'.repeat(200) } },
          })),
        }),
      );
    });
    return round(count / ((performance.now() - started) / 1000));
  };

  return { run, raw };
}

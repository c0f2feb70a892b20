import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { account as accountItem, profile as profileItem } from '#contexts/accounts/items.ts';
import { operatorRate } from '#contexts/notifications/store/sending-rates.ts';
import { civilRegistry } from '#contexts/registry/https.ts';
import type { RegistryCheck } from '#contexts/registry/items.ts';
import { RegistryRefused, type RegistryResult, RegistryUnavailable } from '#contexts/registry/port.ts';
import { registryRedelivery } from '#contexts/registry/queues.ts';
import { answerPlan } from '#contexts/registry/rules/pending.ts';
import { type CheckMessage, readCheck, recordAnswer, recordMiss } from '#contexts/registry/store/checks.ts';
import { registryTurn } from '#contexts/registry/store/rate.ts';
import { clock } from '#platform/clock.ts';
import { decrypt } from '#platform/crypto.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';
import { delayRedelivery } from '#platform/queues-client.ts';
import { getMany } from '#platform/store/batch.ts';
import { pick } from '#platform/store/item.ts';

// The registry check queue's consumer: one check per message. It reads the check, the
// account (the name) and the profile (the sealed NIK, the birth date), asks the registry,
// and records the answer on condition the check is still this one and pending. No answer
// (an outage, over capacity, a timeout) leaves the message for later, each time later
// (exponential visibility): an outage delays checks, it never drops one.

const Message = z.object({ accountId: z.string().min(1), checkId: z.string().min(1) });

type Outcome = 'done' | 'retry';

const MAX_ANSWER_ATTEMPTS = 5;

/** Records the answer with the waves' markers; a join that added a wave meanwhile makes
 *  it read the check again (the registry is not asked again). False: answered already. */
async function answer(message: CheckMessage, seen: RegistryCheck, result: RegistryResult): Promise<boolean> {
  let check: RegistryCheck | undefined = seen;
  for (let attempt = 1; ; attempt++) {
    const plan = answerPlan({ ...check, waves: check.waves ?? new Set() });
    const outcome = await recordAnswer(message, plan, result, clock.now());
    if (outcome !== 'moved') return outcome === 'recorded';
    if (attempt >= MAX_ANSWER_ATTEMPTS) throw new Error('registry check kept moving');
    check = await readCheck(message.accountId);
    if (!check || check.checkId !== message.checkId || check.status !== 'PENDING') return false;
  }
}

async function checkOne(record: SQSRecord): Promise<Outcome> {
  const parsed = Message.safeParse(JSON.parse(record.body));
  if (!parsed.success) {
    // Nothing to retry: a malformed message never becomes well formed.
    logger.error('registry check message malformed', { messageId: record.messageId });
    return 'done';
  }
  const message: CheckMessage = parsed.data;
  const check = await readCheck(message.accountId);
  // Answered already (a duplicate delivery), or replaced by a newer identity's check.
  if (!check || check.checkId !== message.checkId || check.status !== 'PENDING') return 'done';
  const items = await getMany([accountItem.key(message), profileItem.key(message)]);
  const account = pick(items, accountItem);
  const profile = pick(items, profileItem);
  // The profile moved on (a new NIK or birth date started its own check): this one is stale.
  if (!account || !profile || profile.nikHash !== check.nikHash || profile.birthDate !== check.birthDate)
    return 'done';
  const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
  // An operator's rate below the declared one: wait for a turn; none this time (a long
  // queue at a low rate), back in a second, no call made and none counted.
  const rate = await operatorRate('registry');
  if (rate !== undefined && !(await registryTurn(rate))) {
    await delayRedelivery(record, 1);
    return 'retry';
  }
  try {
    const result = await civilRegistry().check({
      nik: await decrypt(profile.nikSealed),
      name: account.fullName,
      birthDate: profile.birthDate,
    });
    if (await answer(message, check, result)) {
      count(result === 'match' ? 'RegistryVerified' : 'RegistryFailed');
      logger.info('registry check answered', { accountId: message.accountId, result, receive });
    }
    return 'done';
  } catch (error) {
    if (!(error instanceof RegistryUnavailable || error instanceof RegistryRefused)) throw error;
    const reason = error instanceof RegistryUnavailable ? error.reason : 'refused';
    const delay = registryRedelivery().delaySeconds(receive);
    await recordMiss(message, reason, clock.now(), delay * 1000);
    count('RegistryUnanswered');
    logger.warn('registry check unanswered', {
      accountId: message.accountId,
      reason,
      receive,
      retryInS: delay,
    });
    await delayRedelivery(record, delay);
    return 'retry';
  }
}

async function checkAll(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let outcome: Outcome = 'retry';
    try {
      outcome = await checkOne(record);
    } catch (error) {
      logger.error('registry check failed', { messageId: record.messageId, error: (error as Error).name });
    }
    if (outcome === 'retry') failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
}

export const handler = (event: SQSEvent) => observed('registry.check-nik', () => checkAll(event));

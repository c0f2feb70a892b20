import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import type { SentMessage } from '#local/sent.ts';
import { call, latestCode, stack, uniqueEmail, uniquePhone } from '#test/support/api.ts';
import { outboxCaughtUp } from '#test/support/outbox.ts';

// The outbox sender runs locally as on AWS: the stream poller hands new Outbox items to
// notifications/send-outbox, which sends through the SES and SNS stand-ins. These tests
// read what the stand-ins received and the failure queue on the SQS emulator.

const sentTo = async (to: string) =>
  (await call<{ items: SentMessage[] }>('GET', `/_local/sent?to=${encodeURIComponent(to)}`)).body.items;

/** Reads until `done` holds and answers what was read. */
const eventually = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeout = 20_000) =>
  vi.waitFor(
    async () => {
      const value = await read();
      if (!done(value)) throw new Error(`not yet: ${JSON.stringify(value)}`);
      return value;
    },
    { timeout, interval: 100 },
  );

const setFaults = (body: { failNext: number; to?: string }) =>
  call('POST', '/_local/notifications/faults', { body });

/** The phone's code, sent on request (registration sends the email's only). */
const requestPhoneCode = async (email: string) =>
  expect((await call('POST', '/v1/accounts/codes', { body: { email, channel: 'phone' } })).status).toBe(202);

/** A registration and its phone's code: one email and one SMS. */
async function register() {
  const email = uniqueEmail();
  const phone = uniquePhone();
  const created = await call('POST', '/v1/accounts', {
    body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone },
  });
  expect(created.status).toBe(201);
  await requestPhoneCode(email);
  return { email, phone };
}

/** Waits until every address has a delivery, then until the sender has read past them:
 *  a duplicate would have been sent by then. */
async function deliveries(addresses: string[]) {
  await eventually(
    () => Promise.all(addresses.map(sentTo)),
    (all) => all.every((items) => items.length > 0),
  );
  await outboxCaughtUp();
  return Promise.all(addresses.map(sentTo));
}

let sqs: SQSClient;
const queueUrl = () => stack().failureQueueUrl;

async function drainFailures(waitSeconds = 0) {
  const bodies: any[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
      }),
    );
    if (!out.Messages?.length) return bodies;
    for (const message of out.Messages) {
      bodies.push(JSON.parse(message.Body!));
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl(), ReceiptHandle: message.ReceiptHandle! }),
      );
    }
  }
}

beforeAll(() => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  sqs = new SQSClient({
    endpoint: stack().sqsEndpoint,
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach(async () => {
  expect((await setFaults({ failNext: 0 })).status).toBe(200);
});

describe('the outbox sender on the local stack', () => {
  it('delivers the registration email and the requested phone code, each carrying the code the outbox holds', async () => {
    await setFaults({ failNext: 0 });
    const started = Date.now();
    const { email, phone } = await register();
    const [emails = [], sms = []] = await deliveries([email, phone]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(emails).toHaveLength(1);
    expect(sms).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      channel: 'email',
      to: email,
      from: 'Prakerja <no-reply@prakerja.local>',
      subject: 'Kode verifikasi Prakerja',
    });
    expect(emails[0]!.text).toContain(await latestCode(email, 'verify-email'));
    expect(sms[0]).toMatchObject({
      channel: 'sms',
      to: phone,
      attributes: { 'AWS.SNS.SMS.SMSType': 'Transactional' },
    });
    expect(sms[0]!.text).toContain(await latestCode(phone, 'verify-phone'));
  });

  it('re-delivers from the first failure: after k refused sends every message arrives exactly once', async () => {
    // Three registrations close together, so their six messages tend to share a batch;
    // the middle one's SMS is refused three times. The handler stops at the failure and
    // reports it, so what came before is checkpointed and only the rest is sent again.
    const k = 3;
    expect(k).toBeLessThanOrEqual(outboxConsumer.retryAttempts);
    const victim = uniquePhone();
    await setFaults({ failNext: k, to: victim });
    const citizens = await Promise.all([
      register(),
      (async () => {
        const email = uniqueEmail();
        const created = await call('POST', '/v1/accounts', {
          body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone: victim },
        });
        expect(created.status).toBe(201);
        await requestPhoneCode(email);
        return { email, phone: victim };
      })(),
      register(),
    ]);
    const addresses = citizens.flatMap((c) => [c.email, c.phone]);
    const delivered = await deliveries(addresses);
    for (const [i, items] of delivered.entries()) expect(items.length, `deliveries to address #${i}`).toBe(1);
    const faults = await call('GET', '/_local/notifications/faults');
    expect(faults.body).toMatchObject({ failNext: 0, failed: k, to: victim });
    expect(delivered[3]![0]!.text).toContain(await latestCode(victim, 'verify-phone'));
  });

  it('names a batch that keeps failing in the failure queue after the retries, and moves on', async () => {
    await drainFailures();
    const email = uniqueEmail();
    const phone = uniquePhone();
    await setFaults({ failNext: 10_000, to: email });
    const created = await call('POST', '/v1/accounts', {
      body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone },
    });
    expect(created.status).toBe(201);
    await requestPhoneCode(email);
    const failures = await eventually(
      () => drainFailures(1),
      (bodies) => bodies.length > 0,
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: outboxConsumer.retryAttempts + 1,
      },
      DDBStreamBatchInfo: {
        batchSize: 1,
        streamArn: expect.stringContaining(`table/${stack().tableName}/stream/`),
      },
    });
    // The record names stream positions only, never the message.
    expect(JSON.stringify(failures[0])).not.toContain(email);
    // One refusal per invocation: the first try and each retry.
    const faults = await call('GET', '/_local/notifications/faults');
    expect(faults.body.failed).toBe(outboxConsumer.retryAttempts + 1);
    // The stream moved on: the SMS of the same citizen was delivered, once.
    expect(await deliveries([phone])).toEqual([[expect.objectContaining({ to: phone })]]);
    expect(await sentTo(email)).toEqual([]);
  });
});

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type OutboxMessage, outbox } from '#contexts/notifications/items.ts';
import { outcome } from '#contexts/selection/items.ts';
import { clientOptions, config } from '#platform/config.ts';
import { logger } from '#platform/logger.ts';
import { count, observed } from '#platform/observability.ts';
import { requireUse } from '#platform/uses.ts';

// The outbox's sender on AWS: the stream delivers only INSERTs of Outbox items (the
// event source filter declared in platform/consumers.ts). Delivery is at least once.
// Locally the same code runs from local/streams.ts against the SES and SNS stand-ins.

const ses = new SESv2Client(clientOptions(config.sesEndpoint));
const sns = new SNSClient(clientOptions(config.snsEndpoint));

const SUBJECTS: Record<string, string> = {
  'verify-email': 'Kode verifikasi Prakerja',
  'sign-in-locked': 'Percobaan masuk ke akun Prakerja Anda',
};

/** The sentence a notice without a code opens with (its data follows, one line each). */
const LEADS: Record<string, string> = {
  'payout-account-rejected':
    'Bank/e-wallet Anda menolak pembayaran insentif Prakerja ke rekening ini. Hubungkan rekening lagi di akun Prakerja Anda agar insentif dapat dibayar.',
};

function text(message: OutboxMessage): string {
  const lead = LEADS[message.template];
  const lines = message.code
    ? [`Kode Prakerja Anda: ${message.code}. Jangan berikan kode ini kepada siapa pun.`]
    : lead
      ? [lead]
      : [];
  for (const [key, value] of Object.entries(message.data ?? {})) lines.push(`${key}: ${value}`);
  return lines.join('\n') || message.template;
}

async function send(message: OutboxMessage): Promise<void> {
  if (message.channel === 'email') {
    requireUse('ses:SendEmail', (uses) => !!uses.email);
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: process.env.EMAIL_FROM,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: SUBJECTS[message.template] ?? 'Prakerja', Charset: 'UTF-8' },
            Body: { Text: { Data: text(message), Charset: 'UTF-8' } },
          },
        },
      }),
    );
  } else {
    requireUse('sns:Publish', (uses) => !!uses.sms);
    await sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: text(message),
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
  }
}

function messageOf(record: DynamoDBRecord): OutboxMessage | undefined {
  // The stream's image type (aws-lambda) and the SDK's AttributeValue differ only in name.
  const image = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  if (!outcome.matches(image)) return outbox.parse(image);
  // A selection outcome: only a not-selected one carries a notice (the selected are told
  // by outbox items of their issuing transaction).
  const { notice } = outcome.parse(image);
  return notice
    ? {
        to: notice.to,
        channel: 'email',
        template: 'selection-not-selected',
        data: { waveName: notice.waveName },
      }
    : undefined;
}

export const handler = (event: DynamoDBStreamEvent) => observed('sendOutbox', () => sendAll(event));

async function sendAll(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const id = record.dynamodb?.SequenceNumber ?? '';
    try {
      const message = messageOf(record);
      if (!message) continue;
      await send(message);
      count('MessageSent');
      // Ids and outcomes only: never the address or the code.
      logger.info('outbox message sent', {
        sequenceNumber: id,
        channel: message.channel,
        template: message.template,
      });
    } catch (error) {
      logger.error('outbox message not sent', { sequenceNumber: id, error: (error as Error).name });
      // Lambda resumes a stream from the first failure, so the records after it come
      // again anyway: stopping here keeps them from being sent twice.
      return { batchItemFailures: [{ itemIdentifier: id }] };
    }
  }
  return { batchItemFailures: [] };
}

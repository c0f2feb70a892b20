import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { OutboxMessage } from '#contexts/notifications/items.ts';
import { clientOptions, config } from '#platform/config.ts';
import { requireUse } from '#platform/uses.ts';

// SES for email, SNS for SMS: the one place a message is rendered and handed over. Codes
// keep the SDK's own retries of a throttled call (a code must arrive); the bulk senders
// make one attempt, so a throttled notice goes back to its queue and waits its turn there.

const SUBJECTS: Record<string, string> = {
  'verify-email': 'Kode verifikasi Prakerja',
  'selection-selected': 'Anda terpilih: verifikasi nomor HP Anda',
  'selection-not-selected': 'Hasil seleksi Kartu Prakerja',
  'sign-in-locked': 'Percobaan masuk ke akun Prakerja Anda',
};

/** The sentence a notice without a code opens with (its data follows, one line each). */
const LEADS: Record<string, string> = {
  // The phone is verified when it is first needed (DOMAIN.md): the selected are told here.
  'selection-selected':
    'Selamat, Anda terpilih sebagai peserta Kartu Prakerja. Verifikasi nomor HP Anda di akun Prakerja sebelum membeli pelatihan pertama atau menghubungkan rekening insentif.',
  'payout-account-rejected':
    'Bank/e-wallet Anda menolak pembayaran insentif Prakerja ke rekening ini. Hubungkan rekening lagi di akun Prakerja Anda agar insentif dapat dibayar.',
};

export function text(message: OutboxMessage): string {
  const lead = LEADS[message.template];
  const lines = message.code
    ? [`Kode Prakerja Anda: ${message.code}. Jangan berikan kode ini kepada siapa pun.`]
    : lead
      ? [lead]
      : [];
  for (const [key, value] of Object.entries(message.data ?? {})) lines.push(`${key}: ${value}`);
  return lines.join('\n') || message.template;
}

type Clients = { ses: SESv2Client; sns: SNSClient };
const clients = new Map<string, Clients>();

function clientsFor(mode: 'code' | 'bulk'): Clients {
  let found = clients.get(mode);
  if (!found) {
    const retries = mode === 'bulk' ? { maxAttempts: 1 } : {};
    found = {
      ses: new SESv2Client({ ...clientOptions(config.sesEndpoint), ...retries }),
      sns: new SNSClient({ ...clientOptions(config.snsEndpoint), ...retries }),
    };
    clients.set(mode, found);
  }
  return found;
}

/** Hands one message to the provider; `noticeId` tags a bulk email (an SES message tag). */
export async function send(message: OutboxMessage, mode: 'code' | 'bulk', noticeId?: string): Promise<void> {
  const { ses, sns } = clientsFor(mode);
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
        ...(noticeId ? { EmailTags: [{ Name: 'notice', Value: noticeId }] } : {}),
      }),
    );
  } else {
    requireUse('sns:Publish', (uses) => !!uses.sms);
    await sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: text(message),
        // An SMS carries no tag: its delivery status log names the SNS message id.
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
  }
}

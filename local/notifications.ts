import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '#local/http-server.ts';
import { outbound } from '#local/sent.ts';

// Local stand-ins for SES v2 and SNS on one loopback port, speaking the wire protocols
// the SDK clients use, so notifications/send-outbox runs unchanged with only
// SES_ENDPOINT and SNS_ENDPOINT set: SendEmail is REST-JSON (POST
// /v2/email/outbound-emails), Publish is the Query protocol (a form post, XML back).
// A refused send answers an error the SDK does not retry, so one refusal is one failed send.
// Beyond the sending rate set by POST /_local/notifications/rate a send is throttled with
// the providers' own answers: SES v2 TooManyRequestsException (429), SNS Throttled.

interface SendEmailBody {
  FromEmailAddress?: string;
  EmailTags?: { Name?: string; Value?: string }[];
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string } } } };
}

const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function sendEmail(body: SendEmailBody, res: ServerResponse): void {
  const simple = body.Content?.Simple;
  const recipients = body.Destination?.ToAddresses ?? [];
  const at = new Date().toISOString();
  if (!outbound.withinRate('email')) {
    res.writeHead(429, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'TooManyRequestsException',
    });
    res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
    return;
  }
  const tags = Object.fromEntries((body.EmailTags ?? []).map((t) => [t.Name ?? '', t.Value ?? '']));
  const accepted = recipients.every((to) =>
    outbound.accept({
      channel: 'email',
      to,
      ...(body.FromEmailAddress ? { from: body.FromEmailAddress } : {}),
      subject: simple?.Subject?.Data ?? '',
      text: simple?.Body?.Text?.Data ?? '',
      attributes: tags,
      at,
    }),
  );
  if (!recipients.length || !accepted) {
    res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
    res.end(
      JSON.stringify({ message: recipients.length ? 'Refused by the local fault switch.' : 'No recipient.' }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ MessageId: randomUUID() }));
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs of a Query request. */
function queryAttributes(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++)
    out[form.get(`MessageAttributes.entry.${n}.Name`)!] =
      form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  return out;
}

function publish(form: URLSearchParams, res: ServerResponse): void {
  const requestId = randomUUID();
  const to = form.get('PhoneNumber');
  if (to !== null && !outbound.withinRate('sms')) {
    res.writeHead(429, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse xmlns="${SNS_NS}"><Error><Type>Sender</Type><Code>Throttled</Code>` +
        `<Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    return;
  }
  const accepted =
    form.get('Action') === 'Publish' &&
    to !== null &&
    outbound.accept({
      channel: 'sms',
      to,
      text: form.get('Message') ?? '',
      attributes: queryAttributes(form),
      at: new Date().toISOString(),
    });
  res.writeHead(accepted ? 200 : 400, { 'content-type': 'text/xml' });
  if (accepted) {
    res.end(
      `<PublishResponse xmlns="${SNS_NS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
    return;
  }
  const message =
    to === null ? 'Only SMS (PhoneNumber) is supported locally.' : 'Refused by the local fault switch.';
  res.end(
    `<ErrorResponse xmlns="${SNS_NS}"><Error><Type>Sender</Type><Code>InvalidParameter</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startNotificationStandIns() {
  const server = createLocalServer(async (req, res) => {
    try {
      const text = await readText(req);
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (req.method === 'POST' && path === '/v2/email/outbound-emails')
        return sendEmail(JSON.parse(text || '{}') as SendEmailBody, res);
      if (req.method === 'POST' && path === '/') return publish(new URLSearchParams(text), res);
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' });
      res.end(JSON.stringify({ message: 'Not served by the local SES/SNS stand-ins.' }));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' });
      res.end(JSON.stringify({ message: 'Malformed request.' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

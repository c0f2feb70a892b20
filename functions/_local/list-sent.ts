import { outbound } from '#local/sent.ts';
import { listSent } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

// Local only: what the SES/SNS stand-ins received, read in the stack's own process.
export const handler = httpHandler(listSent, async ({ query }) => ({
  status: 200,
  body: { items: outbound.sentTo(query.to.startsWith('+') ? query.to : query.to.toLowerCase()) },
}));

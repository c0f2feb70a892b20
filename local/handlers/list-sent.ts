import { httpHandler } from '#contexts/http.ts';
import { listSent } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

// Local only: what the SES/SNS stand-ins received, read in the stack's own process.
export const handler = httpHandler(listSent, async ({ query }) => ({
  status: 200,
  body: { items: outbound.sentTo(query.to.startsWith('+') ? query.to : query.to.toLowerCase()) },
}));

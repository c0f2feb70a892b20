import { randomUUID } from 'node:crypto';
import { httpHandler } from '#contexts/http.ts';
import { partnerView } from '#contexts/partners/handlers/view.ts';
import type { Partner } from '#contexts/partners/items.ts';
import { createPartner } from '#contexts/partners/routes.ts';
import { insertPartner } from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { Problem } from '#platform/http/problem.ts';

export const handler = httpHandler(createPartner, async ({ body, principal }) => {
  const partner: Partner = {
    partnerId: randomUUID(),
    ...body,
    status: 'APPLIED',
    createdAt: clock.now().toISOString(),
    activeKeys: 0,
  };
  if (!(await insertPartner(partner, principal.accountId)))
    throw new Problem('duplicate-partner-code', `The code ${body.code} is taken.`);
  return { status: 201, body: partnerView(partner) };
});

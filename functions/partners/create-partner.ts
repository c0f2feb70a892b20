import { randomUUID } from 'node:crypto';
import { partnerView } from '#functions/partners/view.ts';
import { clock } from '#shared/clock.ts';
import { createPartner } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import type { Partner } from '#shared/items/partners.ts';
import { insertPartner } from '#shared/store/partners.ts';

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

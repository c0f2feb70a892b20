import { httpHandler } from '#contexts/http.ts';
import { partnerView } from '#contexts/partners/handlers/view.ts';
import { transitionPartner } from '#contexts/partners/routes.ts';
import { type PartnerStatus, transitionRefusal } from '#contexts/partners/rules/partners.ts';
import {
  getPartner,
  transitionPartner as move,
  TransitionConflict,
} from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

export const handler = httpHandler(transitionPartner, async ({ params, body, principal }) => {
  const partner = await getPartner(params.partnerId);
  if (!partner) throw problems.notFound('No such partner.');
  const to = body.to as PartnerStatus;
  const criteria = body.criteria ?? partner.criteria;
  const refusal = transitionRefusal(partner.status, to, criteria);
  if (refusal === 'invalid-transition')
    throw new Problem(refusal, `A partner cannot move from ${partner.status} to ${to}.`, {
      extensions: { status: partner.status },
    });
  if (refusal === 'criteria-not-met')
    throw new Problem(
      refusal,
      'Going LIVE needs nationalCoverage, adequateSystems, dataSecurity and pseRegistered all true.',
    );
  try {
    await move(partner.partnerId, {
      from: partner.status,
      to,
      ...(body.criteria ? { criteria: body.criteria } : {}),
      note: body.note,
      by: principal.accountId,
      at: clock.now().toISOString(),
    });
  } catch (error) {
    if (error instanceof TransitionConflict)
      throw new Problem('invalid-transition', 'The partner moved meanwhile; read it again.');
    throw error;
  }
  return {
    status: 200,
    body: partnerView({ ...partner, status: to, ...(criteria ? { criteria } : {}) }),
    audit: { from: partner.status },
  };
});

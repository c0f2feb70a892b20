import { closeRun, REJECTION } from '#functions/payouts/close-run.ts';
import { rejectPayoutRun } from '#shared/contracts/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';

// The checker says no: the run ends REJECTED and its incentives are due again.
export const handler = httpHandler(rejectPayoutRun, ({ params, body, principal, headers }) =>
  closeRun(REJECTION, params.runId, body.reason, principal, headers),
);

import { httpHandler } from '#contexts/http.ts';
import { closeRun, REJECTION } from '#contexts/payouts/handlers/close-run.ts';
import { rejectPayoutRun } from '#contexts/payouts/routes.ts';

// The checker says no: the run ends REJECTED and its incentives are due again.
export const handler = httpHandler(rejectPayoutRun, ({ params, body, principal, headers }) =>
  closeRun(REJECTION, params.runId, body.reason, principal, headers),
);

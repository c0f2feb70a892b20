import { httpHandler } from '#contexts/http.ts';
import { CANCELLATION, closeRun } from '#contexts/payouts/handlers/close-run.ts';
import { cancelPayoutRun } from '#contexts/payouts/routes.ts';

// An administrator withdraws a run not yet approved (a staging one too: its staging stops).
export const handler = httpHandler(cancelPayoutRun, ({ params, body, principal, headers }) =>
  closeRun(CANCELLATION, params.runId, body.reason, principal, headers),
);

import { CANCELLATION, closeRun } from '#functions/payouts/close-run.ts';
import { cancelPayoutRun } from '#shared/contracts/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';

// An administrator withdraws a run not yet approved (a staging one too: its staging stops).
export const handler = httpHandler(cancelPayoutRun, ({ params, body, principal, headers }) =>
  closeRun(CANCELLATION, params.runId, body.reason, principal, headers),
);

import { simulatorControl } from '#local/handlers/payment-simulator.ts';
import { readPaymentLedger } from '#local/routes.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(readPaymentLedger, async ({ params }) =>
  simulatorControl(params.code, 'ledger'),
);

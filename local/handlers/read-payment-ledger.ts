import { httpHandler } from '#contexts/http.ts';
import { simulatorControl } from '#local/handlers/payment-simulator.ts';
import { readPaymentLedger } from '#local/routes.ts';

export const handler = httpHandler(readPaymentLedger, async ({ params }) =>
  simulatorControl(params.code, 'ledger'),
);

import { simulatorControl } from '#functions/_local/payment-simulator.ts';
import { readPaymentLedger } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(readPaymentLedger, async ({ params }) =>
  simulatorControl(params.code, 'ledger'),
);

import { simulatorControl } from '#functions/_local/payment-simulator.ts';
import { openPaymentAccount } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(openPaymentAccount, async ({ params, body }) =>
  simulatorControl(params.code, 'accounts', body),
);

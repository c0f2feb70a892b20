import { httpHandler } from '#contexts/http.ts';
import { simulatorControl } from '#local/handlers/payment-simulator.ts';
import { openPaymentAccount } from '#local/routes.ts';

export const handler = httpHandler(openPaymentAccount, async ({ params, body }) =>
  simulatorControl(params.code, 'accounts', body),
);

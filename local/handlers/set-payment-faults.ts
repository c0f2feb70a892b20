import { httpHandler } from '#contexts/http.ts';
import { simulatorControl } from '#local/handlers/payment-simulator.ts';
import { setPaymentFaults } from '#local/routes.ts';

export const handler = httpHandler(setPaymentFaults, async ({ params, body }) =>
  simulatorControl(params.code, 'faults', body),
);

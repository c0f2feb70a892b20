import { simulatorControl } from '#local/handlers/payment-simulator.ts';
import { setPaymentFaults } from '#local/routes.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(setPaymentFaults, async ({ params, body }) =>
  simulatorControl(params.code, 'faults', body),
);

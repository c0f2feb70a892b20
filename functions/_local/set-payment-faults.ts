import { simulatorControl } from '#functions/_local/payment-simulator.ts';
import { setPaymentFaults } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(setPaymentFaults, async ({ params, body }) =>
  simulatorControl(params.code, 'faults', body),
);

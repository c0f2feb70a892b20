import { paymentPartnerSpec } from '#contexts/payouts/payments/partners.ts';
import { config } from '#platform/config.ts';
import { Problem, problems } from '#platform/http/problem.ts';

/** A call to the payment-partner simulator's control interface (local/payment-partners.ts),
 *  which the local stack names in PAYMENT_SIMULATOR_ENDPOINT. */
export async function simulatorControl(
  code: string,
  what: 'faults' | 'accounts' | 'ledger',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  if (!paymentPartnerSpec(code)) throw problems.notFound('No such payment partner.');
  const endpoint = config.paymentSimulatorEndpoint;
  if (!endpoint) throw new Error('missing PAYMENT_SIMULATOR_ENDPOINT');
  const response = await fetch(`${endpoint}/_control/${code}/${what}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const answer = (await response.json()) as unknown;
  if (response.status === 404) throw problems.notFound('No such payment partner.');
  if (response.status === 409)
    throw new Problem('account-exists', 'The partner already holds this account number.');
  if (response.status >= 300) throw new Error(`simulator answered ${response.status}`);
  return { status: response.status, body: answer };
}

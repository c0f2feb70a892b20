// A call to the civil-registry simulator's control interface (local/registry.ts), which
// the local stack names in REGISTRY_SIMULATOR_ENDPOINT.
export async function registryControl(
  what: 'faults' | 'people' | 'stats',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const endpoint = process.env.REGISTRY_SIMULATOR_ENDPOINT;
  if (!endpoint) throw new Error('missing REGISTRY_SIMULATOR_ENDPOINT');
  const response = await fetch(`${endpoint}/_control/${what}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const answer = (await response.json()) as unknown;
  if (response.status >= 300) throw new Error(`registry simulator answered ${response.status}`);
  return { status: 200, body: answer };
}

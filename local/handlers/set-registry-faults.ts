import { httpHandler } from '#contexts/http.ts';
import { registryControl } from '#local/handlers/registry-simulator.ts';
import { setRegistryFaults } from '#local/routes.ts';

export const handler = httpHandler(setRegistryFaults, async ({ body }) => registryControl('faults', body));

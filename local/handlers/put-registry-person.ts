import { httpHandler } from '#contexts/http.ts';
import { registryControl } from '#local/handlers/registry-simulator.ts';
import { putRegistryPerson } from '#local/routes.ts';

export const handler = httpHandler(putRegistryPerson, async ({ body }) => registryControl('people', body));

import { httpHandler } from '#contexts/http.ts';
import { registryControl } from '#local/handlers/registry-simulator.ts';
import { readRegistryStats } from '#local/routes.ts';

export const handler = httpHandler(readRegistryStats, async () => registryControl('stats'));

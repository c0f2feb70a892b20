import { getQuotaPool } from '#contexts/selection/routes.ts';
import { readQuotaPool } from '#contexts/selection/store/quota-pool.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(getQuotaPool, async () => ({ status: 200, body: await readQuotaPool() }));

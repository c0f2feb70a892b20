import { httpHandler } from '#contexts/http.ts';
import { getQuotaPool } from '#contexts/selection/routes.ts';
import { readQuotaPool } from '#contexts/selection/store/quota-pool.ts';

export const handler = httpHandler(getQuotaPool, async () => ({ status: 200, body: await readQuotaPool() }));

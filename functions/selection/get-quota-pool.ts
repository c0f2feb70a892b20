import { getQuotaPool } from '#shared/contracts/selection.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { readQuotaPool } from '#shared/store/quota-pool.ts';

export const handler = httpHandler(getQuotaPool, async () => ({ status: 200, body: await readQuotaPool() }));

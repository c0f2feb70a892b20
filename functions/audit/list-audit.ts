import { listAudit } from '#shared/contracts/audit.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { AuditRangeRefused, auditPage } from '#shared/store/audit.ts';

export const handler = httpHandler(listAudit, async ({ query }) => {
  const { cursor, limit, ...filter } = query;
  try {
    return { status: 200, body: await auditPage(filter, cursor, limit) };
  } catch (error) {
    if (error instanceof AuditRangeRefused)
      throw problems.validation([{ path: error.path, message: error.message }]);
    throw error;
  }
});

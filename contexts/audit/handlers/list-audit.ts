import { listAudit } from '#contexts/audit/routes.ts';
import { AuditRangeRefused, auditPage } from '#contexts/audit/store/audit.ts';
import { httpHandler } from '#contexts/http.ts';
import { problems } from '#platform/http/problem.ts';

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

import * as z from 'zod';
import { route } from '#platform/http/contract.ts';
import { IsoDateTime, page } from '#platform/http/schemas.ts';

const tags = ['audit'];

export const AuditQuery = z
  .object({
    actor: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional()
      .meta({ description: "An administrator's accountId, `system`, or `partner:<code>`" }),
    kind: z
      .string()
      .max(100)
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/, 'dotted lower-case words, e.g. wave.created or payout.')
      .optional()
      .meta({ description: 'Exactly, or as a prefix: `money` or `money.` matches `money.purchase`' }),
    from: IsoDateTime.optional().meta({
      description: 'Default: 31 days before `to`; at most 366 days before it',
    }),
    to: IsoDateTime.optional().meta({ description: 'Default and latest: now' }),
    // Longer than other lists' cursors: this one carries the range and the filters.
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['from'],
    message: 'must not be after to',
  });

export const AuditItem = z
  .object({
    at: z.string(),
    actor: z.string(),
    role: z.string(),
    kind: z.string(),
    subject: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditItem' });

export const listAudit = route({
  operationId: 'listAudit',
  method: 'GET',
  path: '/v1/admin/audit',
  access: 'staff',
  handler: 'audit/list-audit',
  uses: { indexes: { GSI1: 'query' } },
  summary: 'Every administrator action and every money movement, append-only, newest first',
  tags,
  query: AuditQuery,
  responses: { 200: { description: 'A page of the audit trail', schema: page(AuditItem) } },
  problems: ['validation'],
});

import * as z from 'zod';
import { EXCLUSION_LISTS } from '#contexts/lists/rules/lists.ts';
import { route } from '#platform/http/contract.ts';

const tags = ['lists'];

export const MAX_ENTRIES = 10_000;

export const ListEntriesBody = z
  .strictObject({
    niks: z
      .array(z.string().regex(/^\d{16}$/, 'expected 16 digits'))
      .min(1)
      .max(MAX_ENTRIES),
  })
  .meta({ id: 'ListEntries' });

const ImportResult = z.object({ list: z.string(), received: z.number(), imported: z.number() });

// 10,000 NIKs are ~190 KB of JSON: these two routes take bodies up to 256 KiB.
const BULK_BODY_BYTES = 256 * 1024;

// 10,000 NIKs in one call take a few seconds on AWS (100 reads and up to 100 transactions),
// 7 to 10 s on an idle local engine: longer than other routes' 10 s, under API Gateway's 29.
const IMPORT_TIMEOUT_S = 28;

const ONE_CALL =
  'Up to 10,000 NIKs a call. Sending a list again is harmless and writes nothing for NIKs already on it. ' +
  'A call that runs out of its 28 s answers 503 `import-incomplete` with Retry-After and how many are in (`imported`): ' +
  'send the same call again, and it does only the rest.';

export const importExclusions = route({
  operationId: 'importExclusionListEntries',
  method: 'POST',
  path: '/v1/admin/exclusion-lists/{list}/entries',
  access: 'admin',
  handler: 'lists/import-exclusions',
  uses: { items: { nikFlags: ['read', 'update'] } },
  summary: `Add NIKs to an exclusion list from another agency's data (stored as keyed hashes only). ${ONE_CALL}`,
  tags,
  idempotent: true,
  maxBodyBytes: BULK_BODY_BYTES,
  timeoutSeconds: IMPORT_TIMEOUT_S,
  // A plain string, not an enum: an unknown list is an unknown resource (404), not bad input.
  params: z.object({
    list: z
      .string()
      .max(64)
      .meta({ description: `One of: ${EXCLUSION_LISTS.join(', ')}`, examples: ['civil-servants'] }),
  }),
  body: ListEntriesBody,
  // The list and its counts only: never a NIK.
  audit: {
    kind: 'list.imported',
    subject: 'response.list',
    detail: { received: 'response.received', imported: 'response.imported' },
  },
  responses: { 200: { description: 'Imported', schema: ImportResult } },
  problems: ['validation', 'not-found', 'import-incomplete'],
});

export const importLaidOff = route({
  operationId: 'importLaidOffPriorityEntries',
  method: 'POST',
  path: '/v1/admin/priority-lists/laid-off/entries',
  access: 'admin',
  handler: 'lists/import-laid-off',
  uses: { items: { nikFlags: ['read', 'update'] } },
  summary: `Add NIKs of laid-off workers from the labour ministry's lists: candidates for the reserved quota. ${ONE_CALL}`,
  tags,
  idempotent: true,
  maxBodyBytes: BULK_BODY_BYTES,
  timeoutSeconds: IMPORT_TIMEOUT_S,
  body: ListEntriesBody,
  // The list and its counts only: never a NIK.
  audit: {
    kind: 'list.imported',
    subject: 'response.list',
    detail: { received: 'response.received', imported: 'response.imported' },
  },
  responses: { 200: { description: 'Imported', schema: ImportResult } },
  problems: ['validation', 'import-incomplete'],
});

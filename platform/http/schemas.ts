import * as z from 'zod';
import { normalizePhone } from '#platform/phone.ts';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((email) => email.toLowerCase());

/** Indonesian mobile number in E.164: +62 8xx, 9 to 13 digits after the country code. Written
 *  `0812...` (or with spaces, dots, dashes) it is accepted and normalised to `+62812...`. */
export const Phone = z
  .string()
  .overwrite(normalizePhone)
  .regex(/^\+628\d{7,11}$/, 'expected an Indonesian mobile number, +628...');

export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());
export const IsoDate = z.iso.date();

/** Digits as text: NIK, KK and card numbers keep leading zeros and never become numbers. */
export const Digits16 = z.string().regex(/^\d{16}$/, 'expected 16 digits');

export const PageQuery = z.object({
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const IdempotencyKey = z.string().min(1).max(255);

import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { secrets } from '#platform/secrets.ts';

// Pagination cursors are sealed: base64url(JSON of where the list stopped) + "." +
// HMAC over the list's name and that JSON. A cursor is only ever one the server issued
// for that very list, so a crafted one (another index's partition, empty key strings,
// a prototype-named field) is refused before it reaches DynamoDB.

async function mac(list: string, payload: string): Promise<Buffer> {
  const { jwtKey } = await secrets();
  // A key of its own, derived from the token key: a cursor MAC is never a token MAC.
  const key = createHmac('sha256', Buffer.from(jwtKey, 'base64')).update('prakerja cursor v1').digest();
  return createHmac('sha256', key).update(`${list}\n${payload}`).digest();
}

/** The cursor for `position` in `list`, or `null` at the end of the list. */
export async function sealCursor(list: string, position: unknown): Promise<string | null> {
  if (position === undefined || position === null) return null;
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${(await mac(list, payload)).toString('base64url')}`;
}

/** Where a cursor of `list` stands, or `null` when it is not one this server issued for it. */
export async function openCursor<T>(list: string, cursor: string, shape: z.ZodType<T>): Promise<T | null> {
  const [payload, tag, extra] = cursor.split('.');
  if (!payload || !tag || extra !== undefined) return null;
  const expected = await mac(list, payload);
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A cursor the server did not issue for that list: the handler answers 400 (API.md). */
export class InvalidCursor extends Error {
  constructor() {
    super('not a cursor of this list');
  }
}

/** `openCursor`, for a cursor that may be absent, throwing InvalidCursor for a bad one. */
export async function startOf<T>(list: string, cursor: string | undefined, shape: z.ZodType<T>) {
  if (cursor === undefined) return undefined;
  const start = await openCursor(list, cursor, shape);
  if (start === null) throw new InvalidCursor();
  return start;
}

const KeyPart = z.string().min(1).max(512);
/** Where a Query on GSI1 stopped (waves, partners). */
export const IndexCursor = z.strictObject({ PK: KeyPart, SK: KeyPart, GSI1PK: KeyPart, GSI1SK: KeyPart });
/** Where a Query on GSI2 stopped (a wave's applicants, a participant's purchases). */
export const ApplicantIndexCursor = z.strictObject({
  PK: KeyPart,
  SK: KeyPart,
  GSI2PK: KeyPart,
  GSI2SK: KeyPart,
});

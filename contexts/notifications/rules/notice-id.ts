import { createHash } from 'node:crypto';

/**
 * A notice's id: a hash of the key of the item that caused it (an Outbox or an Outcome
 * item), so every copy of it (a stream record delivered again, a message delivered
 * twice) has the same id, and no address is in it.
 */
export const noticeIdOf = (key: { PK: string; SK: string }): string =>
  createHash('sha256').update(`${key.PK}\n${key.SK}`).digest('hex').slice(0, 32);

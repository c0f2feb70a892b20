import { describe, expect, it } from 'vitest';
import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { assertSupported, matchesPattern } from '#local/event-pattern.ts';

const record = (eventName: string, type?: string) => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: { NewImage: type ? { PK: { S: 'OUTBOX#x' }, type: { S: type } } : undefined },
});

describe('the local stream filter', () => {
  it('passes only inserted Outbox items (and selection outcomes, which may carry a notice) through the outbox consumer', () => {
    const { filter } = outboxConsumer;
    expect(matchesPattern(filter, record('INSERT', 'Outbox'))).toBe(true);
    expect(matchesPattern(filter, record('INSERT', 'Outcome'))).toBe(true);
    expect(matchesPattern(filter, record('MODIFY', 'Outcome'))).toBe(false);
    expect(matchesPattern(filter, record('MODIFY', 'Outbox'))).toBe(false);
    expect(matchesPattern(filter, record('INSERT', 'Account'))).toBe(false);
    expect(matchesPattern(filter, record('REMOVE'))).toBe(false);
  });

  it('knows prefix, exists and alternatives, and refuses rules it does not implement', () => {
    const event = { a: { b: 'OUTBOX#1' }, n: 3 };
    expect(matchesPattern({ a: { b: [{ prefix: 'OUTBOX#' }] } }, event)).toBe(true);
    expect(matchesPattern({ a: { c: [{ exists: false }] }, n: [1, 3] }, event)).toBe(true);
    expect(matchesPattern({ a: { b: [{ exists: false }] } }, event)).toBe(false);
    expect(() => assertSupported({ a: [{ suffix: 'x' } as never] })).toThrow(/not supported/);
    expect(() => assertSupported(outboxConsumer.filter)).not.toThrow();
  });
});

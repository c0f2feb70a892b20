import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerSurvey } from '#contexts/purchases/routes.ts';
import { MapKey, MultiLine, RESERVED_KEYS, SingleLine } from '#platform/http/text.ts';

// The free-text and map-key rules, as properties over arbitrary input.
const answers = answerSurvey.body!;
const anyText = fc.string({ unit: 'binary', maxLength: 30 });

describe('free text', () => {
  it('one line: accepted exactly when no control character, lone surrogate or bidi control', () => {
    const line = SingleLine(30);
    fc.assert(
      fc.property(anyText, (s) => {
        // Surrounding whitespace (tabs and line breaks too) is trimmed first.
        const t = s.trim();
        const clean = t.length > 0 && !/[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u.test(t);
        expect(line.safeParse(s).success).toBe(clean);
      }),
    );
  });

  it('several lines: tab and line breaks pass, other control characters do not', () => {
    const text = MultiLine(100);
    expect(text.safeParse('a\n\tb\r\nc').success).toBe(true);
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800'])
      expect(text.safeParse(`a${c}b`).success).toBe(false);
  });
});

describe('survey answers', () => {
  it('no prototype name is a key', () => {
    for (const name of RESERVED_KEYS) expect(MapKey.safeParse(name).success).toBe(false);
    expect(RESERVED_KEYS.has('constructor') && RESERVED_KEYS.has('__proto__')).toBe(true);
  });

  it('whatever the schema accepts, DynamoDB can marshal', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(...RESERVED_KEYS, 'q1', 'employedNow'),
    );
    const value = fc.oneof(fc.jsonValue({ maxDepth: 1 }), anyText, fc.integer(), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (input) => {
        const parsed = answers.safeParse({ answers: input });
        if (parsed.success)
          expect(() => marshall((parsed.data as { answers: object }).answers)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

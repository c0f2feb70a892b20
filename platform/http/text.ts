import * as z from 'zod';

// Free text from citizens, partners and administrators. It is stored as given (no HTML
// escaping here: whoever displays it escapes it for their medium), but bounded, and
// without the characters that break logs, CSV exports and displays: control characters,
// lone surrogates (not valid UTF-8 once stored), and bidirectional overrides (text that
// displays other than it reads, as in a spoofed certificate number).
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

const wellFormed = (s: string) => !LONE_SURROGATE.test(s) && !BIDI_CONTROL.test(s);

/** One line (names, titles, identifiers): trimmed, 1..max characters, no control characters. */
export const SingleLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'no control characters or line breaks')
    .refine(wellFormed, 'no lone surrogates or bidirectional controls');

/** Several lines (comments, answers): tab and line breaks allowed, no other control character. */
export const MultiLine = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL_BUT_LINE_BREAKS.test(s), 'no control characters other than tab and line breaks')
    .refine(wellFormed, 'no lone surrogates or bidirectional controls');

/**
 * Names that plain JavaScript objects already have (`constructor`, `__proto__`,
 * `toString`...): as keys of stored maps they confuse code that reads objects, the
 * DynamoDB marshaller among them (`{"constructor": "y"}` cannot be marshalled).
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/** A key of a client-chosen map: `q1`, `employedNow`; never a prototype name. */
export const MapKey = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, 'a letter a-z, then up to 39 of a-z A-Z 0-9 _')
  .refine((k) => !RESERVED_KEYS.has(k), 'reserved name');

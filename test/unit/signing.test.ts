import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transitionRefusal } from '#contexts/partners/rules/partners.ts';
import { pathWithQuery, sign, signatureMatches, stringToSign, withinWindow } from '#platform/signing.ts';

// The README's worked example, kept true by this test.
const body =
  '{"title":"Digital marketing","institution":{"id":"lp-1","name":"LP Maju"},"priceIdr":750000,"mode":"online","category":"marketing"}';
const example = { timestamp: '1795363200', method: 'PUT', pathWithQuery: '/v1/partner/courses/c-101', body };

describe('request signatures', () => {
  it('match the worked example of the README', () => {
    expect(stringToSign(example)).toBe(
      '1795363200\nPUT\n/v1/partner/courses/c-101\n7c4ecad8bfde8b1994832fc4904d52857f34b4ce1c1aabb7dc6e06e2cedb2440',
    );
    expect(sign('example-secret', example)).toBe(
      'v1=e42c0a902dc71a9c616c73def535e2324450965c29e685d944e9cd235ab21e32',
    );
    expect(stringToSign({ ...example, method: 'GET', body: '' }).split('\n')[3]).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // SHA-256 of nothing
    );
  });

  it('verify what was signed, and nothing that differs in any part', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.record({
          timestamp: fc.nat().map(String),
          method: fc.constantFrom('GET', 'POST', 'PUT'),
          pathWithQuery: fc.string(),
          body: fc.string(),
        }),
        fc.constantFrom('timestamp', 'method', 'pathWithQuery', 'body'),
        (secret, parts, changed) => {
          const signature = sign(secret, parts);
          expect(signatureMatches(secret, parts, signature)).toBe(true);
          expect(signatureMatches(`${secret}x`, parts, signature)).toBe(false);
          const other = {
            ...parts,
            [changed]:
              changed === 'method' ? (parts.method === 'GET' ? 'POST' : 'GET') : `${parts[changed]}x`,
          };
          expect(signatureMatches(secret, other, signature)).toBe(false);
          expect(signatureMatches(secret, parts, signature.slice(0, -1))).toBe(false);
        },
      ),
    );
  });

  it('accept timestamps within 300 s either way of the clock', () => {
    const now = new Date(1_800_000_000_000);
    expect(withinWindow('1800000300', now)).toBe(true);
    expect(withinWindow('1799999700', now)).toBe(true);
    expect(withinWindow('1800000301', now)).toBe(false);
    expect(withinWindow('1799999699', now)).toBe(false);
    expect(withinWindow('1.8e9', now)).toBe(false);
  });

  it('sign the query in the order sent, encoded', () => {
    expect(pathWithQuery('/v1/x', { b: ['2'], a: ['1 1', 'z'] })).toBe('/v1/x?b=2&a=1%201&a=z');
    expect(pathWithQuery('/v1/x', null)).toBe('/v1/x');
  });
});

describe('partner lifecycle', () => {
  it('moves one step at a time, LIVE <-> SUSPENDED, and goes LIVE only with all four criteria', () => {
    const all = { nationalCoverage: true, adequateSystems: true, dataSecurity: true, pseRegistered: true };
    expect(transitionRefusal('APPLIED', 'MOU_SIGNED', undefined)).toBeUndefined();
    expect(transitionRefusal('APPLIED', 'LIVE', all)).toBe('invalid-transition');
    expect(transitionRefusal('INTEGRATING', 'LIVE', { ...all, dataSecurity: false })).toBe(
      'criteria-not-met',
    );
    expect(transitionRefusal('INTEGRATING', 'LIVE', all)).toBeUndefined();
    expect(transitionRefusal('LIVE', 'SUSPENDED', undefined)).toBeUndefined();
    expect(transitionRefusal('SUSPENDED', 'LIVE', all)).toBeUndefined();
    expect(transitionRefusal('SUSPENDED', 'APPLIED', all)).toBe('invalid-transition');
  });
});

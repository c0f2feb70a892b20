import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Gender, maskNik, validateKk, validateNik } from '#contexts/accounts/rules/nik.ts';
import { PROVINCE_CODES } from '#contexts/accounts/rules/provinces.ts';
import { randomIdentity, validKk, validNik } from '#scripts/lib/nik.ts';

const man = { birthDate: '1990-05-15', gender: 'M' as const, provinceCode: '32' };
const woman = { birthDate: '1990-05-15', gender: 'F' as const, provinceCode: '32' };

describe('validateNik examples', () => {
  it('accepts a man: the day as is', () => {
    expect(validateNik('3201011505900001', man)).toEqual([]);
  });

  it('accepts a woman: 40 added to the day', () => {
    expect(validateNik('3201015505900002', woman)).toEqual([]);
    expect(validateNik('3201011505900002', woman)).toEqual(['gender']);
    expect(validateNik('3201015505900002', man)).toEqual(['gender']);
  });

  it('accepts the 29th of February only in leap years, with the century from the birth date', () => {
    const leap = { birthDate: '2000-02-29', gender: 'F' as const, provinceCode: '35' };
    expect(validateNik('3578016902000003', leap)).toEqual([]);
    expect(validateNik('3578012902010001', { ...man, provinceCode: '35', birthDate: '2001-02-28' })).toEqual([
      'birth-date',
    ]);
    // 1900 is not a leap year although 00 is divisible by 4.
    expect(validateNik('3578012902000001', { ...man, provinceCode: '35', birthDate: '1900-02-28' })).toEqual([
      'birth-date',
    ]);
  });

  it('refuses a two-digit year from another century', () => {
    expect(validateNik('3201011505900001', { ...man, birthDate: '1890-05-15' })).toEqual([]);
    expect(validateNik('3201011505900001', { ...man, birthDate: '1991-05-15' })).toEqual(['birth-date']);
  });

  it('refuses province codes that are not on the list', () => {
    for (const code of ['00', '10', '20', '37', '90', '97', '99']) {
      expect(validateNik(`${code}01011505900001`, { ...man, provinceCode: code })).toEqual(['province']);
    }
    expect(validateNik('9601011505900001', { ...man, provinceCode: '96' })).toEqual([]);
  });

  it('refuses a NIK that disagrees with the entered date, gender or province', () => {
    expect(validateNik('3201011505900001', { ...man, birthDate: '1990-05-16' })).toEqual(['birth-date']);
    expect(validateNik('3201011505900001', { ...man, birthDate: '1990-06-15' })).toEqual(['birth-date']);
    expect(validateNik('3201011505900001', { ...man, gender: 'F' })).toEqual(['gender']);
    expect(validateNik('3201011505900001', { ...man, provinceCode: '31' })).toEqual(['province-mismatch']);
  });

  it('refuses serial 0000 and regency or district 00', () => {
    expect(validateNik('3201011505900000', man)).toEqual(['serial']);
    expect(validateNik('3200011505900001', man)).toEqual(['regency']);
    expect(validateNik('3201001505900001', man)).toEqual(['district']);
    expect(validateNik('3200001505900000', man)).toEqual(['regency', 'district', 'serial']);
  });

  it('refuses impossible days and months', () => {
    for (const ddmm of ['0005', '3205', '4005', '7205', '3104', '1500', '1513']) {
      expect(validateNik(`320101${ddmm}900001`, man)).toContain('birth-date');
    }
  });

  it('refuses anything but 16 digits', () => {
    for (const nik of ['', '320101150590000', '32010115059000011', '320101150590000a', ' 3201011505900001']) {
      expect(validateNik(nik, man)).toEqual(['format']);
    }
  });
});

describe('validateKk', () => {
  it('needs 16 digits, a province and a serial other than 0000', () => {
    expect(validateKk('3201012001150001')).toEqual([]);
    expect(validateKk('2001012001150001')).toEqual(['province']);
    expect(validateKk('3201012001150000')).toEqual(['serial']);
    expect(validateKk('32010120011500')).toEqual(['format']);
  });
});

describe('maskNik', () => {
  it('keeps the first 6 and the last 4 digits', () => {
    expect(maskNik('3201011505900001')).toBe('320101******0001');
  });
});

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const parts = fc.record({
  birthDate: isoDate,
  gender: fc.constantFrom<Gender>('M', 'F'),
  provinceCode: fc.constantFrom(...PROVINCE_CODES),
  regency: fc.integer({ min: 1, max: 99 }),
  district: fc.integer({ min: 1, max: 99 }),
  serial: fc.integer({ min: 1, max: 9999 }),
});

describe('NIK properties', () => {
  it('every generated NIK validates against its own data', () => {
    fc.assert(
      fc.property(parts, (p) => {
        expect(validateNik(validNik(p), p)).toEqual([]);
      }),
    );
  });

  it('changing any one digit of the date part makes the NIK fail', () => {
    const position = fc.integer({ min: 6, max: 11 });
    const digit = fc.integer({ min: 0, max: 9 });
    fc.assert(
      fc.property(parts, position, digit, (p, at, d) => {
        const nik = validNik(p);
        fc.pre(Number(nik[at]) !== d);
        const changed = nik.slice(0, at) + d + nik.slice(at + 1);
        expect(validateNik(changed, p).some((r) => r === 'birth-date' || r === 'gender')).toBe(true);
      }),
    );
  });

  it('a NIK disagrees with the other gender and with any other birth date', () => {
    fc.assert(
      fc.property(parts, isoDate, (p, other) => {
        const nik = validNik(p);
        expect(validateNik(nik, { ...p, gender: p.gender === 'M' ? 'F' : 'M' })).toContain('gender');
        fc.pre(other !== p.birthDate);
        expect(validateNik(nik, { ...p, birthDate: other })).toContain('birth-date');
      }),
    );
  });

  it('maskNik never reveals digits 7-12', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{16}$/), (nik) => {
        const masked = maskNik(nik);
        expect(masked).toHaveLength(16);
        expect(masked.slice(6, 12)).toBe('******');
        expect(masked.replace('******', '')).toBe(nik.slice(0, 6) + nik.slice(12));
      }),
    );
  });

  it('the test generator gives consistent identities and valid KKs', () => {
    for (let i = 0; i < 500; i++) {
      const identity = randomIdentity();
      expect(validateNik(identity.nik, identity)).toEqual([]);
      expect(validateKk(identity.kk)).toEqual([]);
      expect(validateKk(validKk())).toEqual([]);
    }
  });
});

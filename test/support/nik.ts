import { randomInt } from 'node:crypto';
import type { Gender } from '#shared/domain/nik.ts';
import { PROVINCE_CODES } from '#shared/domain/provinces.ts';

// Valid NIKs and KKs for tests and the benchmark, built the way the civil registry
// builds them, so that they pass shared/domain/nik.ts against their own data.
export interface NikParts {
  /** YYYY-MM-DD */
  birthDate: string;
  gender: Gender;
  provinceCode: string;
  /** 1..99 */
  regency?: number;
  /** 1..99 */
  district?: number;
  /** 1..9999 */
  serial?: number;
}

export interface Identity {
  nik: string;
  kk: string;
  birthDate: string;
  gender: Gender;
  provinceCode: string;
}

const two = (n: number) => String(n).padStart(2, '0');

export function validNik({ birthDate, gender, provinceCode, regency, district, serial }: NikParts): string {
  const [year, month, day] = birthDate.split('-');
  const dd = Number(day) + (gender === 'F' ? 40 : 0);
  return (
    provinceCode +
    two(regency ?? randomInt(1, 100)) +
    two(district ?? randomInt(1, 100)) +
    two(dd) +
    month +
    year!.slice(2) +
    String(serial ?? randomInt(1, 10_000)).padStart(4, '0')
  );
}

/** A KK: region, an issue date, a serial that is never 0000. */
export function validKk(provinceCode: string = pick(PROVINCE_CODES)): string {
  const issued = `${two(randomInt(1, 29))}${two(randomInt(1, 13))}${two(randomInt(0, 25))}`;
  return `${provinceCode}${two(randomInt(1, 100))}${two(randomInt(1, 100))}${issued}${String(randomInt(1, 10_000)).padStart(4, '0')}`;
}

/** A random adult (born 1965-2004) with a consistent NIK and a KK from the same province. */
export function randomIdentity(
  overrides: Partial<Omit<NikParts, 'regency' | 'district' | 'serial'>> = {},
): Identity {
  const birthDate =
    overrides.birthDate ?? `${randomInt(1965, 2005)}-${two(randomInt(1, 13))}-${two(randomInt(1, 29))}`;
  const gender = overrides.gender ?? (randomInt(2) ? 'F' : 'M');
  const provinceCode = overrides.provinceCode ?? pick(PROVINCE_CODES);
  return {
    nik: validNik({ birthDate, gender, provinceCode }),
    kk: validKk(provinceCode),
    birthDate,
    gender,
    provinceCode,
  };
}

/** Declarations that exclude nobody. */
export const NO_DECLARATIONS = {
  student: false,
  civilServant: false,
  militaryOrPolice: false,
  villageOfficial: false,
  stateEnterpriseBoard: false,
  otherAidRecipient: false,
};

/** A complete PUT /v1/me/profile body for an identity: eligible unless overridden. */
export function profileBody(identity: Identity = randomIdentity(), overrides: Record<string, unknown> = {}) {
  return {
    nik: identity.nik,
    kk: identity.kk,
    birthDate: identity.birthDate,
    gender: identity.gender,
    provinceCode: identity.provinceCode,
    education: 'senior_high',
    workStatus: 'unemployed',
    declarations: NO_DECLARATIONS,
    ...overrides,
  };
}

function pick<T>(list: readonly T[]): T {
  return list[randomInt(list.length)]!;
}

import { randomInt } from 'node:crypto';
import type { Gender } from '#contexts/accounts/rules/nik.ts';
import { PROVINCE_CODES } from '#contexts/accounts/rules/provinces.ts';

// Valid NIKs and KKs for the demo, the seed, tests and the benchmarks, built the way the civil registry
// builds them, so that they pass contexts/accounts/rules/nik.ts against their own data.
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

/** A whole number in [min, max): crypto's by default; the demo passes a seeded one. */
export type RandomInt = (min: number, max: number) => number;
const cryptoInt: RandomInt = (min, max) => randomInt(min, max);

const two = (n: number) => String(n).padStart(2, '0');

export function validNik(
  { birthDate, gender, provinceCode, regency, district, serial }: NikParts,
  random: RandomInt = cryptoInt,
): string {
  const [year, month, day] = birthDate.split('-');
  const dd = Number(day) + (gender === 'F' ? 40 : 0);
  return (
    provinceCode +
    two(regency ?? random(1, 100)) +
    two(district ?? random(1, 100)) +
    two(dd) +
    month +
    year!.slice(2) +
    String(serial ?? random(1, 10_000)).padStart(4, '0')
  );
}

/** A KK: region, an issue date, a serial that is never 0000. */
export function validKk(provinceCode: string = pick(PROVINCE_CODES), random: RandomInt = cryptoInt): string {
  const issued = `${two(random(1, 29))}${two(random(1, 13))}${two(random(0, 25))}`;
  return `${provinceCode}${two(random(1, 100))}${two(random(1, 100))}${issued}${String(random(1, 10_000)).padStart(4, '0')}`;
}

/** A random adult (born 1965-2004) with a consistent NIK and a KK from the same province. */
export function randomIdentity(
  overrides: Partial<Omit<NikParts, 'regency' | 'district' | 'serial'>> = {},
  random: RandomInt = cryptoInt,
): Identity {
  const birthDate =
    overrides.birthDate ?? `${random(1965, 2005)}-${two(random(1, 13))}-${two(random(1, 29))}`;
  const gender = overrides.gender ?? (random(0, 2) ? 'F' : 'M');
  const provinceCode = overrides.provinceCode ?? pick(PROVINCE_CODES, random);
  return {
    nik: validNik({ birthDate, gender, provinceCode }, random),
    kk: validKk(provinceCode, random),
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

function pick<T>(list: readonly T[], random: RandomInt = cryptoInt): T {
  return list[random(0, list.length)]!;
}

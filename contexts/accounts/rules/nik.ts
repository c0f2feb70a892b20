import { isProvinceCode } from '#contexts/accounts/rules/provinces.ts';

// NIK: PP RR DD DDMMYY SSSS - province, regency, district, birth date (women: day + 40),
// serial. KK: PP RR DD DDMMYY SSSS too, the date being the card's issue date.
export type Gender = 'M' | 'F';

export type NikReason =
  | 'format'
  | 'province'
  | 'regency'
  | 'district'
  | 'birth-date'
  | 'gender'
  | 'serial'
  | 'province-mismatch';

export type KkReason = 'format' | 'province' | 'serial';

/** What the citizen entered beside the NIK; the NIK must agree with all of it. */
export interface NikClaims {
  /** YYYY-MM-DD */
  birthDate: string;
  gender: Gender;
  provinceCode: string;
}

const SIXTEEN_DIGITS = /^\d{16}$/;
const FEMALE_DAY_OFFSET = 40;

/** Every reason the NIK is refused, in digit order; empty when it is valid for these claims. */
export function validateNik(nik: string, claims: NikClaims): NikReason[] {
  if (!SIXTEEN_DIGITS.test(nik)) return ['format'];
  const reasons: NikReason[] = [];
  const province = nik.slice(0, 2);
  if (!isProvinceCode(province)) reasons.push('province');
  else if (province !== claims.provinceCode) reasons.push('province-mismatch');
  if (nik.slice(2, 4) === '00') reasons.push('regency');
  if (nik.slice(4, 6) === '00') reasons.push('district');

  const encoded = decodeBirth(nik.slice(6, 12), claims.birthDate);
  if (!encoded || encoded.birthDate !== claims.birthDate) reasons.push('birth-date');
  if (encoded && encoded.gender !== claims.gender) reasons.push('gender');

  if (nik.slice(12) === '0000') reasons.push('serial');
  return reasons;
}

export function validateKk(kk: string): KkReason[] {
  if (!SIXTEEN_DIGITS.test(kk)) return ['format'];
  const reasons: KkReason[] = [];
  if (!isProvinceCode(kk.slice(0, 2))) reasons.push('province');
  if (kk.slice(12) === '0000') reasons.push('serial');
  return reasons;
}

/**
 * Reads DDMMYY. The gender follows from the day alone; the date is undefined unless it is
 * a real calendar date. A two-digit year is ambiguous, so the century is taken from the
 * claimed birth date: the NIK then agrees only if YY is that year's last two digits.
 */
function decodeBirth(
  ddmmyy: string,
  claimedBirthDate: string,
): { gender: Gender; birthDate?: string } | undefined {
  const rawDay = Number(ddmmyy.slice(0, 2));
  const gender: Gender = rawDay > FEMALE_DAY_OFFSET ? 'F' : 'M';
  const day = gender === 'F' ? rawDay - FEMALE_DAY_OFFSET : rawDay;
  if (day < 1 || day > 31) return undefined;
  const month = Number(ddmmyy.slice(2, 4));
  const claimedYear = Number(claimedBirthDate.slice(0, 4));
  const year = claimedYear - (claimedYear % 100) + Number(ddmmyy.slice(4, 6));
  return isCalendarDate(year, month, day) ? { gender, birthDate: isoDate(year, month, day) } : { gender };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isoDate = (year: number, month: number, day: number) =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

/** First 6 and last 4 digits: region and serial show, the birth date never does. */
export function maskNik(nik: string): string {
  return `${nik.slice(0, 6)}******${nik.slice(-4)}`;
}

export const maskKk = maskNik;

/** Words for the problem details: safe to show, they never repeat the digits. */
export const NIK_MESSAGES: Record<NikReason, string> = {
  format: 'The NIK must be 16 digits.',
  province: 'Digits 1-2 are not a province code.',
  regency: 'Digits 3-4 (regency) cannot be 00.',
  district: 'Digits 5-6 (district) cannot be 00.',
  'birth-date': 'Digits 7-12 do not encode the birth date entered (DDMMYY, day + 40 for women).',
  gender: 'Digits 7-8 do not agree with the gender entered (day + 40 for women).',
  serial: 'Digits 13-16 (serial) cannot be 0000.',
  'province-mismatch': 'Digits 1-2 do not match the province entered.',
};

export const KK_MESSAGES: Record<KkReason, string> = {
  format: 'The KK number must be 16 digits.',
  province: 'Digits 1-2 are not a province code.',
  serial: 'Digits 13-16 (serial) cannot be 0000.',
};

import { type NikReason, validateNik } from '#contexts/accounts/rules/nik.ts';

// The NIK files other agencies send: one NIK a line, or a CSV with a `nik` column.
// Parsed in the browser only to check the form and count; the NIKs go to the API as
// they are (over TLS), which hashes them with a keyed HMAC whose key never leaves the
// server. Hashing here cannot match that (no key), and an unkeyed hash of a 16-digit
// number with this much structure is reversed by brute force, so it would protect nothing.
export interface ParsedNiks {
  /** Distinct NIKs in file order. */
  niks: string[];
  /** 1-based line numbers that hold no well-formed NIK, with the first reason. */
  rejected: { line: number; reason: NikReason | 'empty' | 'no-nik-column' }[];
  duplicates: number;
}

const SEPARATOR = /[,;\t]/;

export function parseNikFile(text: string): ParsedNiks {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let column = 0;
  let start = 0;
  const firstUsed = lines.findIndex((l) => l.trim() !== '');
  if (firstUsed >= 0) {
    const header = cells(lines[firstUsed]!).map((c) => c.toLowerCase());
    const at = header.indexOf('nik');
    if (at >= 0) {
      column = at;
      start = firstUsed + 1;
    } else if (header.length > 1 && !header.some((c) => /^\d{16}$/.test(c))) {
      // A header without `nik`: no column to read.
      return { niks: [], rejected: [{ line: firstUsed + 1, reason: 'no-nik-column' }], duplicates: 0 };
    }
  }
  const seen = new Set<string>();
  const rejected: ParsedNiks['rejected'] = [];
  let duplicates = 0;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const value = cells(line)[column] ?? '';
    if (value === '') {
      rejected.push({ line: i + 1, reason: 'empty' });
      continue;
    }
    const reason = nikFormReason(value);
    if (reason) rejected.push({ line: i + 1, reason });
    else if (seen.has(value)) duplicates++;
    else seen.add(value);
  }
  return { niks: [...seen], rejected, duplicates };
}

function cells(line: string): string[] {
  return line.split(SEPARATOR).map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/**
 * What makes a string no NIK at all, whoever holds it: not 16 digits, no province, a zero
 * regency, district or serial, or digits 7-12 that are no date (day + 40 for women). The
 * shared check compares the NIK with a citizen's claims; here the claims are read from
 * the NIK itself, so only its own structure is judged. The century is taken as 20YY: the
 * same leap years as 19YY but 1900, so no real NIK is refused. No citizen can register a
 * NIK that fails this (PUT /v1/me/profile runs the full check), so listing it would do nothing.
 */
export function nikFormReason(nik: string): NikReason | undefined {
  if (!/^\d{16}$/.test(nik)) return 'format';
  const day = Number(nik.slice(6, 8));
  const female = day > 40;
  const dd = String(female ? day - 40 : day).padStart(2, '0');
  const claims = {
    provinceCode: nik.slice(0, 2),
    gender: female ? ('F' as const) : ('M' as const),
    birthDate: `20${nik.slice(10, 12)}-${nik.slice(8, 10)}-${dd}`,
  };
  return validateNik(nik, claims)[0];
}

/** The NIKs in calls of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

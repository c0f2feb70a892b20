import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES } from '#contexts/lists/routes.ts';
import { ROLES_BY_ACCESS as SERVER_ROLES } from '#platform/http/auth.ts';
import { validNik } from '#scripts/lib/nik.ts';
import { chunks, nikFormReason, parseNikFile } from '../../web/src/admin/csv.ts';
import { keyKeeper } from '../../web/src/admin/key-keeper.ts';
import { MAX_NIKS_PER_CALL } from '../../web/src/admin/limits.ts';
import { ROLES_BY_ACCESS as CONSOLE_ROLES } from '../../web/src/admin/roles.ts';

// The console's copies of server rules it cannot import without pulling the server's
// modules into the browser bundle, and its NIK file reader.
describe('the administrator console', () => {
  it('sends at most as many NIKs a call as the API takes', () => {
    expect(MAX_NIKS_PER_CALL).toBe(MAX_ENTRIES);
  });

  it('hides and shows by the same role matrix as the server', () => {
    for (const access of ['admin', 'staff', 'approver'] as const)
      expect([...CONSOLE_ROLES[access]].sort(), access).toEqual([...SERVER_ROLES[access]].sort());
  });

  const nik = (n: number) =>
    validNik({
      birthDate: '1990-03-14',
      gender: n % 2 ? 'F' : 'M',
      provinceCode: '32',
      regency: 1,
      district: 1,
      serial: n + 1,
    });

  it('reads one NIK a line, rejecting what is no NIK by line number, once per NIK', () => {
    const text = ['', nik(1), '12345', nik(2), nik(1), '3200011403900001', '\uFEFF', ''].join('\r\n');
    const parsed = parseNikFile(text);
    expect(parsed.niks).toEqual([nik(1), nik(2)]);
    expect(parsed.duplicates).toBe(1);
    expect(parsed.rejected).toEqual([
      { line: 3, reason: 'format' },
      { line: 6, reason: 'regency' },
    ]);
  });

  it('reads the `nik` column of a CSV with a header, quoted or not', () => {
    const parsed = parseNikFile(`"Nama";"NIK"\n"Siti";"${nik(1)}"\nBudi;${nik(2)}\nKosong;\n`);
    expect(parsed.niks).toEqual([nik(1), nik(2)]);
    expect(parsed.rejected).toEqual([{ line: 4, reason: 'empty' }]);
    expect(parseNikFile('nama,alamat\nSiti,Bandung\n').rejected).toEqual([
      { line: 1, reason: 'no-nik-column' },
    ]);
  });

  it('refuses only what no citizen could register: the structure, not anyone’s claims', () => {
    expect(nikFormReason(nik(1))).toBeUndefined();
    expect(nikFormReason('3201015403980001')).toBeUndefined(); // README's Siti, a woman
    expect(nikFormReason('3201012902000001')).toBeUndefined(); // 29 Feb 2000
    expect(nikFormReason('9901011403900001')).toBe('province');
    expect(nikFormReason('3201013202900001')).toBe('birth-date'); // 32 Feb
    expect(nikFormReason('3201011403900000')).toBe('serial');
    expect(nikFormReason('320101140390000')).toBe('format');
  });

  it('cuts a list into calls of at most the limit', () => {
    const items = Array.from({ length: 25_001 }, (_, i) => i);
    expect(chunks(items, MAX_NIKS_PER_CALL).map((c) => c.length)).toEqual([10_000, 10_000, 5_001]);
    expect(chunks([], 10)).toEqual([]);
  });

  it('keeps a submission’s Idempotency-Key across retries, and starts afresh after an answer the server keeps', async () => {
    let n = 0;
    const keeper = keyKeeper(() => `k${++n}`);
    const seen: string[] = [];
    const fail = (problem: object) => (key: string) => {
      seen.push(key);
      return Promise.reject(problem);
    };
    const ok = (key: string) => {
      seen.push(key);
      return Promise.resolve(key);
    };
    const body = { seed: 'gelombang-7' };
    // A lost answer (network, a 5xx, or the first request still running): the same key again.
    for (const problem of [
      { status: 0, slug: 'network' },
      { status: 503 },
      { status: 409, slug: 'idempotency-in-progress' },
    ])
      await expect(keeper.send(body, fail(problem))).rejects.toBe(problem);
    expect(seen).toEqual(['k1', 'k1', 'k1']);
    // A refusal the server stores under the key (409 wave-not-closed): the next click is new work.
    await expect(keeper.send(body, fail({ status: 409, slug: 'wave-not-closed' }))).rejects.toBeTruthy();
    expect(await keeper.send(body, ok)).toBe('k2');
    // After a success the same body is a new submission; a changed body always is.
    expect(await keeper.send(body, ok)).toBe('k3');
    await expect(keeper.send(body, fail({ status: 0 }))).rejects.toBeTruthy();
    expect(await keeper.send({ seed: 'other' }, ok)).toBe('k5');
  });
});

// A validation problem's `errors[].message` is the API's own words: zod's English messages
// ("Too small: expected string to have >=8 characters") and the contracts' few custom ones
// (shared/contracts/*.ts). In Bahasa Indonesia each becomes a sentence of ours; in English
// the API's words stay. A message we do not know gets a plain Indonesian sentence, never
// the English one. (No import: the unit tests read this module outside the browser.)
type Rule = [pattern: RegExp, words: (m: RegExpExecArray) => string];

const n = (value: string | undefined) => Number(value).toLocaleString('id-ID');

const ID_RULES: Rule[] = [
  [/^Invalid input: expected \w+, received (undefined|null)$/, () => 'Wajib diisi.'],
  [/^Invalid input: expected int, received/, () => 'Harus bilangan bulat.'],
  [/^Invalid input: expected (number|int|bigint), received/, () => 'Harus berupa angka.'],
  [/^Invalid input: expected boolean, received/, () => 'Pilih ya atau tidak.'],
  [/^Invalid input: expected (array|object|record|tuple|map|set), received/, () => 'Isian tidak lengkap.'],
  [/^Invalid input: expected \w+, received/, () => 'Jenis isian tidak sesuai.'],
  [/^Invalid (option|input): expected one of /, () => 'Pilih salah satu pilihan yang tersedia.'],
  [/^Too small: expected string to have >=1 characters?$/, () => 'Wajib diisi.'],
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => `Minimal ${n(m[1])} karakter.`],
  [/^Too small: expected string to have >(\d+) characters?$/, (m) => `Lebih dari ${n(m[1])} karakter.`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `Maksimal ${n(m[1])} karakter.`],
  [/^Too big: expected string to have <(\d+) characters?$/, (m) => `Kurang dari ${n(m[1])} karakter.`],
  [/^Too small: expected (?:array|set) to have >=(\d+) items?$/, (m) => `Minimal ${n(m[1])} entri.`],
  [/^Too big: expected (?:array|set) to have <=(\d+) items?$/, (m) => `Maksimal ${n(m[1])} entri.`],
  [/^Too small: expected (?:number|bigint|int) to be >=(-?[\d.]+)$/, (m) => `Paling kecil ${n(m[1])}.`],
  [/^Too small: expected (?:number|bigint|int) to be >(-?[\d.]+)$/, (m) => `Harus lebih dari ${n(m[1])}.`],
  [/^Too big: expected (?:number|bigint|int) to be <=(-?[\d.]+)$/, (m) => `Paling besar ${n(m[1])}.`],
  [/^Too big: expected (?:number|bigint|int) to be <(-?[\d.]+)$/, (m) => `Harus kurang dari ${n(m[1])}.`],
  [/^Too (small|big): /, () => 'Nilai di luar batas yang diizinkan.'],
  [/^Invalid number: must be a multiple of (\S+)$/, (m) => `Harus kelipatan ${m[1]}.`],
  [/^Invalid ISO datetime$/, () => 'Isi tanggal dan waktu yang sah.'],
  [/^Invalid ISO date$/, () => 'Isi tanggal yang sah.'],
  [/^Invalid email address$/, () => 'Masukkan alamat email yang benar.'],
  [/^Unrecognized keys?: /, () => 'Isian ini tidak dikenal.'],
  // The contracts' own messages.
  [/^expected 16 digits$/, () => 'Harus 16 angka.'],
  [/^expected (?:a )?6(?:-digit code| digits)$/, () => 'Kode terdiri dari 6 angka.'],
  [/^expected a 2-digit province code$/, () => 'Pilih provinsi.'],
  [/^expected an Indonesian mobile number/, () => 'Masukkan nomor HP Indonesia, misalnya 081234567890.'],
  [/^expected YYYY-MM$/, () => 'Isi bulan dan tahun (TTTT-BB).'],
  [/^printable ASCII without spaces$/, () => 'Hanya karakter ASCII yang terlihat, tanpa spasi.'],
  [/^no control characters/, () => 'Ada karakter kendali yang tidak diizinkan.'],
  [/^no lone surrogates or bidirectional controls$/, () => 'Ada karakter yang tidak diizinkan.'],
  [/^must not exceed quota$/, () => 'Tidak boleh lebih dari kuota.'],
  [/^must be after opensAt$/, () => 'Harus setelah waktu dibuka.'],
  [/^must be at least minAge$/, () => 'Tidak boleh kurang dari usia minimum.'],
  [/^must not be after to$/, () => 'Tidak boleh setelah batas akhir.'],
  [/^lower-case letters, digits and hyphens/, () => 'Huruf kecil, angka dan tanda hubung, 2-32 karakter.'],
  [/^dotted lower-case words/, () => 'Kata huruf kecil dipisah titik, misalnya wave.created.'],
  [/^reserved name$/, () => 'Nama ini tidak boleh dipakai.'],
  [/^Invalid (string|format)\b/, () => 'Format tidak sesuai.'],
];

/** One field error's message in the page's language. */
export function validationText(message: string, lang: 'id' | 'en'): string {
  if (lang !== 'id') return message;
  for (const [pattern, words] of ID_RULES) {
    const m = pattern.exec(message);
    if (m) return words(m);
  }
  return 'Isian tidak sesuai aturan.';
}

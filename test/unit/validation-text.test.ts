import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { StartSelectionBody } from '#contexts/selection/routes.ts';
import { createWave } from '#contexts/waves/routes.ts';
import { validationText } from '../../web/src/lib/validation.ts';

// The web pages' Indonesian for the API's validation messages, read off the real schemas:
// a zod upgrade that rewords its messages fails here, not on an administrator's screen.
const messages = (schema: z.ZodType, value: unknown) =>
  Object.fromEntries((schema.safeParse(value).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('validation messages in Bahasa Indonesia', () => {
  it('says the seed of issue 18 in Indonesian, and leaves English as it is', () => {
    const { seed } = messages(StartSelectionBody, { seed: 'abc' });
    expect(seed).toBe('Too small: expected string to have >=8 characters');
    expect(validationText(seed!, 'id')).toBe('Minimal 8 karakter.');
    expect(validationText(seed!, 'en')).toBe(seed);
  });

  it('says every problem of an empty wave in Indonesian', () => {
    const found = messages(createWave.body!, { name: '', scheme: {} });
    expect(Object.keys(found).length).toBeGreaterThan(3);
    for (const [path, message] of Object.entries(found)) {
      const words = validationText(message, 'id');
      expect(words, `${path}: ${message}`).not.toBe('Isian tidak sesuai aturan.');
      expect(words, path).not.toMatch(/expected|Too small|Too big|Invalid/);
    }
    expect(validationText(found.name!, 'id')).toBe('Wajib diisi.');
  });

  it.each([
    ['Too big: expected string to have <=100 characters', 'Maksimal 100 karakter.'],
    ['Too small: expected number to be >=1', 'Paling kecil 1.'],
    ['Too big: expected number to be <=1000000', 'Paling besar 1.000.000.'],
    ['Invalid input: expected int, received number', 'Harus bilangan bulat.'],
    ['Invalid option: expected one of "M"|"F"', 'Pilih salah satu pilihan yang tersedia.'],
    ['Invalid ISO datetime', 'Isi tanggal dan waktu yang sah.'],
    ['expected 16 digits', 'Harus 16 angka.'],
    ['something new', 'Isian tidak sesuai aturan.'],
  ])('%s', (message, words) => {
    expect(validationText(message, 'id')).toBe(words);
  });
});

// Rupiah as the report shows them (id-ID grouping): Rp 1.234.567.
const grouping = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

export const rupiah = (n: number) => `${n < 0 ? '-' : ''}Rp ${grouping.format(Math.abs(n))}`;
export const count = (n: number) => grouping.format(n);
export const percent = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1).replace('.', ',')}%` : '-';

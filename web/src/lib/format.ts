// Money is integer rupiah; shown the Indonesian way whatever the language: Rp 1.234.567.
const rupiah = new Intl.NumberFormat('id-ID');
export function formatIdr(amount: number): string {
  return `Rp ${rupiah.format(amount)}`;
}

export function formatDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium' }).format(
    new Date(iso),
  );
}

export function formatDateTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

// Indonesian mobile numbers as people write them: `0812 3456 7890`, `62812-3456-7890`,
// `+62 812 3456 7890`. Stored and compared in one form only, `+628...` (E.164); the API's
// schema and the citizens' pages both normalise with this one function.

/** `0812...` and `62812...` as `+62812...`, spaces, dots and dashes dropped; anything else as it came. */
export function normalizePhone(value: string): string {
  const compact = value.trim().replace(/[\s.-]/g, '');
  if (/^0\d/.test(compact)) return `+62${compact.slice(1)}`;
  if (/^62\d/.test(compact)) return `+${compact}`;
  return /^\+\d/.test(compact) ? compact : value.trim();
}

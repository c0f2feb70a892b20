// The waiting room's place, kept on the device (localStorage, shared by every tab): the
// entry id made once, so a refresh or a second tab asks for the same ticket; and the
// admission token once admitted, sent with the registration (docs/waiting-room.md).
const ENTRY = 'prakerja.antri.entry';
const TOKEN = 'prakerja.antri.token';

export const admission = {
  entryId(): string {
    let id = localStorage.getItem(ENTRY);
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem(ENTRY, id);
    }
    return id;
  },
  token: () => localStorage.getItem(TOKEN),
  admitted: (token: string) => localStorage.setItem(TOKEN, token),
  /** After a registration (used) or a refusal of the admission (queue again afresh). */
  done(forget: boolean) {
    localStorage.removeItem(TOKEN);
    if (forget) localStorage.removeItem(ENTRY);
  },
  /** The headers of an admitted request: none while nothing was admitted. */
  headers(): Record<string, string> {
    const token = localStorage.getItem(TOKEN);
    return token ? { 'x-admission-token': token } : {};
  },
};

const RETURN = 'prakerja.antri.return';

/** After a refusal of the waiting room (`admission-required`, `admission-used`): queue,
 *  then come back to `route`. True when it was one. */
export function queueIfRefused(error: unknown, route: string): boolean {
  const slug = (error as { slug?: string }).slug;
  if (slug !== 'admission-required' && slug !== 'admission-used') return false;
  // A used admission (this entry registered already): a new place in the queue.
  admission.done(slug === 'admission-used');
  sessionStorage.setItem(RETURN, route);
  location.hash = '/antri';
  return true;
}

/** Where to go once admitted. */
export function returnRoute(): string {
  return sessionStorage.getItem(RETURN) ?? '/';
}

import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, api } from '../../lib/api.ts';
import { navigate } from '../../lib/router.ts';
import { admission, returnRoute } from '../admission.ts';
import { pollDelayMs } from '../poll-delay.ts';
import { t } from '../strings.ts';

interface Entry {
  ticket: number;
  admitted: boolean;
  position: number;
  estimateSeconds: number;
  retryAfterSeconds: number;
  admissionToken?: string;
}

// The queue in front of registration while a wave opens: one small page, one request per
// poll, after the server's Retry-After (2 s near the front, up to 75 s far back, spread
// by the server and again here so tabs do not come back together), and
// longer after each failed one, so a slow phone on a weak signal waits without draining.
export default function WaitingRoomPage() {
  const [entry, setEntry] = useState<Entry | null>(null);
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let failures = 0;
    const entryId = admission.entryId();
    const ask = async (first: boolean) => {
      try {
        const next = first
          ? await api<Entry>('POST', '/v1/waiting-room/entries', { body: { entryId } })
          : await api<Entry>('GET', `/v1/waiting-room/entries/${entryId}`);
        failures = 0;
        setOffline(false);
        if (stopped) return;
        setEntry(next);
        if (next.admitted && next.admissionToken) {
          admission.admitted(next.admissionToken);
          timer = setTimeout(() => navigate(returnRoute()), 1500);
          return;
        }
        timer = setTimeout(() => void ask(false), pollDelayMs(next.retryAfterSeconds, Math.random()));
      } catch (error) {
        failures += 1;
        setOffline(true);
        // Not known yet (a read that missed a fresh entry): enter again, the same ticket.
        const again = first || (error instanceof ApiProblem && error.status === 404);
        const wait = Math.min(60, 2 ** failures) * 1000;
        if (!stopped) timer = setTimeout(() => void ask(again), wait);
      }
    };
    void ask(true);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  const minutes = entry ? Math.ceil(entry.estimateSeconds / 60) : 0;
  return (
    <section aria-live="polite">
      <h1 tabIndex={-1}>{t('queueTitle')}</h1>
      <p>{t('queueIntro')}</p>
      {entry && !entry.admitted && (
        <p id="queue-place" data-ticket={entry.ticket}>
          <strong>{t('queuePosition', { position: entry.position.toLocaleString('id-ID') })}</strong>
          <br />
          {minutes <= 1 ? t('queueSoon') : t('queueEstimate', { minutes })}
        </p>
      )}
      {entry?.admitted && (
        <p id="queue-place" data-ticket={entry.ticket}>
          <strong>{t('queueAdmitted')}</strong>
        </p>
      )}
      {!entry && <p>{t('loading')}</p>}
      {offline && <p role="status">{t('queueOffline')}</p>}
    </section>
  );
}

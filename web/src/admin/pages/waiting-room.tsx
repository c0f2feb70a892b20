import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { currentLang } from '../../lib/i18n.ts';
import { numberOf } from '../fields.tsx';
import { usePoll } from '../poll.ts';
import { adminApi, may, problemText } from '../session.ts';
import { t } from '../strings.ts';
import type { WaitingRoom } from '../types.ts';

// The waiting room (docs/waiting-room.md): on or off, whether it switches itself, its
// rate, arrivals and queue, refreshed every 5 s; an admin sets the switch and the rate.
export default function WaitingRoomPage() {
  const room = useData(() => adminApi<WaitingRoom>('GET', '/v1/admin/waiting-room'));
  usePoll(true, room.reload, 5000);
  const r = room.data;
  const n = (value: number) => value.toLocaleString('id-ID');
  return (
    <section>
      <h1 tabIndex={-1}>{t('room.title')}</h1>
      <p class="hint">{t('room.intro')}</p>
      {room.error && <p role="alert">{problemText(room.error)}</p>}
      {r && (
        <dl class="facts" id="room-facts">
          <dt>{t('status')}</dt>
          <dd id="room-on">{r.on ? t('room.on') : t('room.off')}</dd>
          <dt>{t('room.mode')}</dt>
          <dd id="room-mode">{r.auto ? t('room.auto') : t('room.manual')}</dd>
          <dt>{t('room.rate')}</dt>
          <dd>{t('room.perSecond', { n: n(r.ratePerSecond) })}</dd>
          <dt>{t('room.capacity')}</dt>
          <dd>{t('room.perSecond', { n: n(r.capacityPerSecond) })}</dd>
          <dt>{t('room.arrivals')}</dt>
          <dd>{t('room.perSecond', { n: n(r.arrivalsPerSecond) })}</dd>
          <dt>{t('room.queue')}</dt>
          <dd id="room-queue">{n(r.queueLength)}</dd>
          <dt>{t('room.admitted')}</dt>
          <dd>{n(r.watermark)}</dd>
          <dt>{t('room.failures')}</dt>
          <dd>{n(r.failuresLastMinute)}</dd>
          {r.until && (
            <>
              <dt>{t('room.until')}</dt>
              <dd>{formatDateTime(r.until, currentLang())}</dd>
            </>
          )}
        </dl>
      )}
      {r && may('admin') && <SetRoom room={r} saved={room.reload} />}
    </section>
  );
}

function SetRoom({ room, saved }: { room: WaitingRoom; saved: () => void }) {
  const form = useForm('set-room');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const v = formValues(event.currentTarget as HTMLFormElement);
    const rates = {
      ratePerSecond: numberOf(v.ratePerSecond),
      capacityPerSecond: numberOf(v.capacityPerSecond),
    };
    // Automatic: it starts as it is now and switches itself from here on.
    const body =
      v.mode === 'auto' ? { on: room.on, auto: true, ...rates } : { on: v.mode === 'on', ...rates };
    void form.submit(async () => {
      await adminApi<WaitingRoom>('PUT', '/v1/admin/waiting-room', { body });
      saved();
    }, problemText);
  };
  const mode = room.auto ? 'auto' : room.on ? 'on' : 'off';
  return (
    <form id="set-room" class="panel" onSubmit={onSubmit} noValidate aria-labelledby="set-room-title">
      <h2 id="set-room-title">{t('room.set')}</h2>
      <p class="hint">{t('room.setIntro')}</p>
      <FormMessage message={form.message} />
      <Select
        name="mode"
        label={t('room.mode')}
        defaultValue={mode}
        options={[
          ['auto', t('room.auto')],
          ['on', t('room.forceOn')],
          ['off', t('room.forceOff')],
        ]}
      />
      <Field
        name="ratePerSecond"
        label={t('room.rate')}
        type="number"
        min={1}
        required
        defaultValue={String(room.ratePerSecond || 1)}
        error={form.errors.ratePerSecond}
      />
      <Field
        name="capacityPerSecond"
        label={t('room.capacity')}
        hint={t('room.capacityHint')}
        type="number"
        min={1}
        required
        defaultValue={String(room.capacityPerSecond || 1)}
        error={form.errors.capacityPerSecond}
      />
      <Submit busy={form.busy}>{t('room.save')}</Submit>
    </form>
  );
}

// What the local SES and SNS stand-ins (local/notifications.ts) received, their fault
// switch and their sending rate. In memory, in the stack's process: GET /_local/sent,
// POST /_local/notifications/faults and /_local/notifications/rate read and set it
// through the in-process adapter.

export interface SentMessage {
  channel: 'email' | 'sms';
  to: string;
  from?: string;
  subject?: string;
  text: string;
  attributes: Record<string, string>;
  at: string;
}

export interface SenderFaults {
  /** How many of the next sends are refused. */
  failNext: number;
  /** Refuse only sends to this address or number, if given. */
  to?: string;
  /** Sends refused since the switch was last set. */
  failed: number;
}

/** Sends per second each channel takes, and the sends refused for it. */
export interface SendingRate {
  email: number;
  sms: number;
  throttled: { email: number; sms: number };
}

/** Every send since the stack started, counted per notice (a bulk notice's tag, or the
 *  channel, address and text of any other message): what "exactly once" is checked on. */
export interface Tally {
  /** Sends accepted. */
  sends: number;
  /** Distinct notices among them. */
  distinct: number;
  /** Notices accepted more than once. */
  duplicated: number;
  /** Sends refused for the rate. */
  throttled: number;
}

const KEEP = 10_000;
const sent: SentMessage[] = [];
let faults: SenderFaults = { failNext: 0, failed: 0 };
/** The local stack's rate until the switch sets another: a raised quota's, fast enough
 *  that a local draw's notices leave in seconds (local/stack.ts tells the senders). */
export const LOCAL_SENDING_RATE = 1000;
const rate: SendingRate = {
  email: LOCAL_SENDING_RATE,
  sms: LOCAL_SENDING_RATE,
  throttled: { email: 0, sms: 0 },
};
/** Per channel, the second and how many sends it accepted in it. */
const windows = { email: { second: 0, used: 0 }, sms: { second: 0, used: 0 } };
const perNotice = new Map<string, number>();
let sends = 0;
let duplicated = 0;

export const outbound = {
  /** Takes one send of the channel's rate; false when this second's are used (the
   *  provider's throttling answer follows). */
  withinRate(channel: 'email' | 'sms'): boolean {
    const limit = rate[channel];
    const second = Math.floor(Date.now() / 1000);
    const window = windows[channel];
    if (window.second !== second) Object.assign(window, { second, used: 0 });
    if (window.used >= limit) {
      rate.throttled[channel]++;
      return false;
    }
    window.used++;
    return true;
  },
  /** Records a send, or answers false when the fault switch refuses it. */
  accept(message: SentMessage): boolean {
    if (faults.failNext > 0 && (faults.to === undefined || faults.to === message.to)) {
      faults.failNext--;
      faults.failed++;
      return false;
    }
    sent.push(message);
    if (sent.length > KEEP) sent.shift();
    const notice = message.attributes.notice ?? `${message.channel} ${message.to} ${message.text}`;
    const times = (perNotice.get(notice) ?? 0) + 1;
    perNotice.set(notice, times);
    sends++;
    if (times === 2) duplicated++;
    return true;
  },
  tally(): Tally {
    return {
      sends,
      distinct: perNotice.size,
      duplicated,
      throttled: rate.throttled.email + rate.throttled.sms,
    };
  },
  setRate(spec: { email?: number | undefined; sms?: number | undefined }): SendingRate {
    if (spec.email !== undefined) rate.email = spec.email;
    if (spec.sms !== undefined) rate.sms = spec.sms;
    return outbound.rate();
  },
  rate(): SendingRate {
    return { email: rate.email, sms: rate.sms, throttled: { ...rate.throttled } };
  },
  /** Newest first. */
  sentTo(to: string): SentMessage[] {
    return sent.filter((m) => m.to === to).reverse();
  },
  setFaults(spec: { failNext: number; to?: string | undefined }): SenderFaults {
    faults = { failNext: spec.failNext, ...(spec.to ? { to: spec.to } : {}), failed: 0 };
    return { ...faults };
  },
  faults(): SenderFaults {
    return { ...faults };
  },
};

// What the local SES and SNS stand-ins (local/notifications.ts) received, and their
// fault switch. In memory, in the stack's process: GET /_local/sent and POST
// /_local/notifications/faults read and set it through the in-process adapter.

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

const KEEP = 10_000;
const sent: SentMessage[] = [];
let faults: SenderFaults = { failNext: 0, failed: 0 };

export const outbound = {
  /** Records a send, or answers false when the fault switch refuses it. */
  accept(message: SentMessage): boolean {
    if (faults.failNext > 0 && (faults.to === undefined || faults.to === message.to)) {
      faults.failNext--;
      faults.failed++;
      return false;
    }
    sent.push(message);
    if (sent.length > KEEP) sent.shift();
    return true;
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

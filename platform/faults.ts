// Injected faults, for proving that work survives a crash half-way. Nothing arms a
// fault on AWS: only the local stack's POST /_local/faults does, so on AWS `check` is
// a lookup in an empty map.
export interface FaultSpec {
  /** Where: e.g. `selection.announce`. */
  point: string;
  /** Only in this segment of a parallel step, if given. */
  segment?: number;
  /** Fail once this many items of the call's work are done. */
  afterItems: number;
  /** How many calls fail before the fault disarms itself. */
  times: number;
}

export class InjectedFault extends Error {
  override name = 'InjectedFault';
}

const armed = new Map<string, FaultSpec & { fired: number }>();

export const faults = {
  arm(spec: FaultSpec): void {
    armed.set(spec.point, { ...spec, fired: 0 });
  },
  fired(point: string): number {
    return armed.get(point)?.fired ?? 0;
  },
  /** True (once per armed time) when an armed fault matches this point, segment and
   *  progress: for a condition the code answers itself, such as running out of time. */
  due(point: string, at: { segment?: number; done: number }): boolean {
    const spec = armed.get(point);
    if (!spec || spec.fired >= spec.times || at.done !== spec.afterItems) return false;
    if (spec.segment !== undefined && spec.segment !== at.segment) return false;
    spec.fired++;
    return true;
  },
  /** Throws when an armed fault matches this point, segment and progress. */
  check(point: string, at: { segment?: number; done: number }): void {
    if (faults.due(point, at)) throw new InjectedFault(`injected fault at ${point} after ${at.done} items`);
  },
};

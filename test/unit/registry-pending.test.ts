import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnswerPlan,
  answerPlan,
  answerStillHolds,
  type CheckSeen,
  type JoinCheckPlan,
  joinPlan,
  joinStillHolds,
} from '#contexts/registry/rules/pending.ts';

// The pending-applicant markers (contexts/registry/rules/pending.ts) under any interleaving
// of one account's joins, the answers of its checks and its profile saves: each reads, and
// later commits on the conditions the store writes (a failed one reads again). Whatever
// the order, a wave has a marker exactly when the account applied to it and its check
// still pends: the count the draw refuses on is exact.

interface World {
  check?: CheckSeen;
  /** The profile's version (updatedAt): a save moves it; the join's lock requires it. */
  profile: number;
  applications: Set<string>;
  markers: Set<string>;
  nextCheck: number;
}

type Op = { kind: 'join'; wave: string } | { kind: 'answer' } | { kind: 'save' };

interface Running {
  op: Op;
  /** What the op read, once it has. */
  read?: { profile: number; join?: JoinCheckPlan; answer?: AnswerPlan; checkId?: string };
  done: boolean;
}

const copy = (c: CheckSeen | undefined) => c && { ...c, waves: new Set(c.waves) };

function read(world: World, r: Running) {
  if (r.op.kind === 'join') r.read = { profile: world.profile, join: joinPlan(copy(world.check)) };
  else if (r.op.kind === 'answer') {
    // A message names the check it was sent for: the one pending when it was read.
    const c = world.check;
    if (c?.status !== 'PENDING') r.done = true;
    else r.read = { profile: world.profile, answer: answerPlan(copy(c)!), checkId: c.checkId };
  } else r.read = { profile: world.profile };
}

function commit(world: World, r: Running) {
  const seen = r.read!;
  if (r.op.kind === 'join') {
    const wave = r.op.wave;
    if (world.applications.has(wave)) {
      r.done = true;
      return;
    } // already-joined
    const plan = seen.join!;
    if (world.profile !== seen.profile || !joinStillHolds(plan, world.check)) {
      r.read = undefined;
      return;
    }
    world.applications.add(wave);
    if (plan.kind === 'start') {
      world.check = { checkId: `c${world.nextCheck++}`, status: 'PENDING', waves: new Set([wave]) };
      world.markers.add(wave);
    } else if (plan.kind === 'mark') {
      (world.check!.waves as Set<string>).add(wave);
      world.markers.add(wave);
    }
  } else if (r.op.kind === 'answer') {
    const plan = seen.answer!;
    if (!answerStillHolds(plan, world.check)) {
      const c = world.check;
      // Still this check, pending: a join added a wave; read again. Else it is stale.
      if (c && c.checkId === seen.checkId && c.status === 'PENDING') r.read = undefined;
      else r.done = true;
      return;
    }
    for (const wave of plan.release) world.markers.delete(wave);
    world.check = { checkId: plan.checkId, status: 'VERIFIED', waves: new Set() };
  } else {
    // A new identity: refused once joined (the NIK and birth date are locked), and
    // conditioned on the profile as read.
    if (world.applications.size > 0) {
      r.done = true;
      return;
    }
    if (world.profile !== seen.profile) {
      r.read = undefined;
      return;
    }
    world.profile++;
    world.check = { checkId: `c${world.nextCheck++}`, status: 'PENDING', waves: new Set() };
  }
  r.done = true;
}

const ops = fc.array(
  fc.oneof(
    fc.constantFrom('w1', 'w2', 'w3').map((wave): Op => ({ kind: 'join', wave })),
    fc.constant<Op>({ kind: 'answer' }),
    fc.constant<Op>({ kind: 'save' }),
  ),
  { minLength: 1, maxLength: 12 },
);

describe('pending-applicant markers', () => {
  it('a wave has a marker exactly when the account applied and its check pends, in any interleaving', () => {
    fc.assert(
      fc.property(
        ops,
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        (list, legacy, picks) => {
          // `legacy`: a profile saved before checks existed (no check item at all).
          const world: World = {
            profile: 0,
            applications: new Set(),
            markers: new Set(),
            nextCheck: 1,
            ...(legacy ? {} : { check: { checkId: 'c0', status: 'PENDING', waves: new Set<string>() } }),
          };
          const running: Running[] = list.map((op) => ({ op, done: false }));
          let step = 0;
          for (;;) {
            const live = running.filter((r) => !r.done);
            if (!live.length) break;
            const r = live[(picks[step++ % picks.length] ?? 0) % live.length]!;
            if (r.read) commit(world, r);
            else read(world, r);
            for (const wave of ['w1', 'w2', 'w3'])
              expect(world.markers.has(wave)).toBe(
                world.applications.has(wave) && world.check?.status === 'PENDING',
              );
          }
          // And the answers still come: any check left pending gets one, which clears all.
          if (world.check?.status === 'PENDING') {
            const last: Running = { op: { kind: 'answer' }, done: false };
            while (!last.done) last.read ? commit(world, last) : read(world, last);
          }
          expect(world.markers.size).toBe(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('plans: no check starts one, a pending check marks, an answered one writes nothing', () => {
    expect(joinPlan(undefined)).toEqual({ kind: 'start' });
    expect(joinPlan({ checkId: 'a', status: 'PENDING', waves: new Set() })).toEqual({
      kind: 'mark',
      checkId: 'a',
    });
    expect(joinPlan({ checkId: 'a', status: 'VERIFIED', waves: new Set() })).toEqual({ kind: 'none' });
    expect(joinPlan({ checkId: 'a', status: 'FAILED', waves: new Set() })).toEqual({ kind: 'none' });
    expect(answerPlan({ checkId: 'a', status: 'PENDING', waves: new Set(['w2', 'w1']) })).toEqual({
      checkId: 'a',
      wavesSeen: 2,
      release: ['w1', 'w2'],
    });
  });
});

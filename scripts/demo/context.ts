import type { CallOptions } from '../lib/http.ts';
import { type Api, DemoError, describe } from './client.ts';
import type { CitizenPlan } from './plan.ts';
import type { Progress } from './progress.ts';
import type { Random } from './random.ts';

// What every phase of the demo shares, and each citizen's state as the wave goes on.

export interface Context {
  api: Api;
  progress: Progress;
  random: Random;
  concurrency: number;
  /** A short tag of the seed, in names and the selection's seed. */
  tag: string;
  /** The administrator's token, renewed after each move of the clock. */
  admin: string;
  say(text: string): void;
}

export interface Purchase {
  purchaseId: string;
  platform: string;
  courseId: string;
  priceIdr: number;
  completed: boolean;
}

export interface Citizen {
  plan: CitizenPlan;
  accountId?: string;
  token?: string;
  verified: boolean;
  profiled: boolean;
  joined: boolean;
  selected: boolean;
  cardNumber?: string;
  purchaseDeadline?: string;
  purchase?: Purchase;
  reviewed: boolean;
  surveys: number;
  linked: boolean;
  accountNumber?: string;
  /** Read back at the end. */
  final?: {
    balanceIdr: number;
    status: string;
    incentives: { kind: string; amountIdr: number; status: string }[];
  };
}

export function newCitizen(plan: CitizenPlan): Citizen {
  return {
    plan,
    verified: false,
    profiled: false,
    joined: false,
    selected: false,
    reviewed: false,
    surveys: 0,
    linked: false,
  };
}

/** A citizen's request with their token (signed in again once if it has lapsed). */
export async function asCitizen<T = unknown>(
  ctx: Context,
  c: Citizen,
  step: string,
  ok: number[],
  method: string,
  path: string,
  options: CallOptions = {},
) {
  c.token ??= await ctx.api.signIn(c.plan.email, c.plan.password);
  let r = await ctx.api.call<T>(method, path, { ...options, token: c.token });
  if (r.status === 401) {
    c.token = await ctx.api.signIn(c.plan.email, c.plan.password);
    r = await ctx.api.call<T>(method, path, { ...options, token: c.token });
  }
  // A payment partner that did not answer in time is a 503 "try again": the citizen's app
  // does, a few times, as a person would.
  for (let wait = 1_000; r.status === 503 && !ok.includes(503) && wait <= 8_000; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    r = await ctx.api.call<T>(method, path, { ...options, token: c.token });
  }
  if (!ok.includes(r.status))
    throw new DemoError(`${step} (citizen #${c.plan.index}, ${method} ${path}): ${describe(r)}`);
  return r;
}

/** Moves the backend's clock (POST /_local/clock) and signs the administrator in again:
 *  a token is refused once its issue time is over an hour old or in the future. */
export async function moveClock(ctx: Context, now: Date | null) {
  if (now)
    await ctx.api.expect('move the clock', [200], 'POST', '/_local/clock', {
      body: { now: now.toISOString() },
    });
  else await ctx.api.expect('restore the clock', [200], 'DELETE', '/_local/clock');
  ctx.admin = await ctx.api.admin('admin');
}

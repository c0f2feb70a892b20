import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as resetClock } from '#local/handlers/reset-clock.ts';
import { handler as setClock } from '#local/handlers/set-clock.ts';
import { clock } from '#platform/clock.ts';

// The backend's clock and the local stack's named clocks (docs/testing.md): a scope reads
// its own time once set, the backend's otherwise; outside a scope there is one clock.

const Y2040 = Date.parse('2040-01-01T00:00:00.000Z');
const Y2050 = Date.parse('2050-01-01T00:00:00.000Z');
const near = (ms: number, target: number) => Math.abs(ms - target) < 5_000;

afterEach(() => {
  clock.inScope('a', () => clock.reset());
  clock.inScope('b', () => clock.reset());
  clock.reset();
});

describe('named clocks', () => {
  it('a scope set reads its own time; another scope and the unscoped caller do not', () => {
    clock.inScope('a', () => clock.set(new Date(Y2040)));
    expect(
      near(
        clock.inScope('a', () => clock.nowMs()),
        Y2040,
      ),
    ).toBe(true);
    expect(
      near(
        clock.inScope('b', () => clock.nowMs()),
        Date.now(),
      ),
    ).toBe(true);
    expect(near(clock.nowMs(), Date.now())).toBe(true);
  });

  it('moving the backend clock outside a scope moves every scope not set, and no scope set', () => {
    clock.inScope('a', () => clock.set(new Date(Y2040)));
    clock.set(new Date(Y2050));
    expect(near(clock.nowMs(), Y2050)).toBe(true);
    expect(
      near(
        clock.inScope('b', () => clock.nowMs()),
        Y2050,
      ),
    ).toBe(true);
    expect(
      near(
        clock.inScope('a', () => clock.nowMs()),
        Y2040,
      ),
    ).toBe(true);
    // A scope reset follows the backend's clock again; the backend's stays where it was.
    clock.inScope('a', () => clock.reset());
    expect(
      near(
        clock.inScope('a', () => clock.nowMs()),
        Y2050,
      ),
    ).toBe(true);
    clock.reset();
    expect(
      near(
        clock.inScope('a', () => clock.nowMs()),
        Date.now(),
      ),
    ).toBe(true);
  });

  it('work started inside a scope (promises, timers) reads the scope after it returns', async () => {
    clock.inScope('a', () => clock.set(new Date(Y2040)));
    const later = clock.inScope('a', () => sleep(10).then(() => clock.nowMs()));
    const timer = clock.inScope(
      'a',
      () => new Promise<number>((resolve) => setTimeout(() => resolve(clock.nowMs()), 10)),
    );
    expect(clock.scope()).toBeUndefined();
    expect(near(await later, Y2040)).toBe(true);
    expect(near(await timer, Y2040)).toBe(true);
  });
});

describe('X-Local-Clock on a deployed code path', () => {
  const context = { awsRequestId: 'a', functionName: 'clock' } as Context;
  const event = (method: string, body?: unknown) =>
    ({
      httpMethod: method,
      path: '/_local/clock',
      headers: { 'X-Local-Clock': 'a', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      requestContext: { requestId: 'r' },
    }) as unknown as APIGatewayProxyEvent;

  it('a handler invoked as Lambda invokes it ignores the header: it acts on the backend clock', async () => {
    const moved = await setClock(event('POST', { now: new Date(Y2040).toISOString() }), context);
    expect(moved.statusCode).toBe(200);
    expect(near(Date.parse(JSON.parse(moved.body).now), Y2040)).toBe(true);
    expect(near(clock.nowMs(), Y2040)).toBe(true);
    expect(
      near(
        clock.inScope('b', () => clock.nowMs()),
        Y2040,
      ),
    ).toBe(true);
    const reset = await resetClock(event('DELETE'), context);
    expect(near(Date.parse(JSON.parse(reset.body).now), Date.now())).toBe(true);
    expect(near(clock.nowMs(), Date.now())).toBe(true);
  });

  it('no deployed source reads the header or enters a scope: only the local adapter does', () => {
    const sources = ['platform', 'contexts', 'cdk']
      .flatMap((dir) =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .map((f) => `${dir}/${f}`),
      )
      .filter((file) => file !== 'platform/clock.ts'); // which names the header, to say so
    expect(sources.length).toBeGreaterThan(50);
    const readers = sources.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /x-local-clock/i.test(text) || /\.inScope\(/.test(text);
    });
    expect(readers).toEqual([]);
    expect(readFileSync('local/adapter.ts', 'utf8')).toMatch(/clock\.inScope\(/);
  });
});

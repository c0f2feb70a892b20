import { readFileSync } from 'node:fs';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#cdk/app.ts';
import { handlerOf } from '#cdk/constructs/function.ts';
import { streamConsumers as consumers, queueConsumers } from '#contexts/consumers.ts';
import { itemType } from '#contexts/items.ts';
import { deployedRoutes } from '#contexts/routes.ts';
import { schedules } from '#contexts/schedules.ts';
import { workflows } from '#contexts/workflows.ts';
import { routeUses } from '#platform/http/contract.ts';
import { itemActions, mergeUses, type Uses } from '#platform/uses.ts';

// Every function's table statements against what its declared item uses derive, in every
// stack of the assembly (the app may be several stacks). Synthesized without bundling:
// the grants do not depend on the code, and this file then takes seconds, not minutes.

const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  stack: string;
  roles: string[];
  document: { Statement: Statement[] };
}

const declared = new Map<string, Uses>([
  ...[...new Set(deployedRoutes.map((r) => r.handler))].map(
    (h) => [h, mergeUses(...deployedRoutes.filter((r) => r.handler === h).map(routeUses))] as const,
  ),
  ...Object.values(workflows).flatMap((w) => Object.values(w.tasks).map((h) => [h, w.uses] as const)),
  ...schedules.map((s) => [s.handler, s.uses as Uses] as const),
  ...consumers.map((c) => [c.handler, c.uses] as const),
  ...queueConsumers.map((c) => [c.handler, c.uses] as const),
]);

const ITEM_ACTION =
  /^dynamodb:(GetItem|BatchGetItem|Query|Scan|ConditionCheckItem|PutItem|BatchWriteItem|UpdateItem|DeleteItem|\*)$/;
const WRITES = /^dynamodb:(PutItem|BatchWriteItem|UpdateItem|DeleteItem|\*)$/;
const actionsOf = (s: Statement) => [s.Action].flat();
const resourcesOf = (s: Statement) => [s.Resource].flat();
const leadingKeys = (s: Statement) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
const isIndex = (r: unknown) => /\/index\//.test(JSON.stringify(r));

let policies: Policy[];
/** handler -> its role's [stack, logical id] pairs (a module may back several functions). */
const roles = new Map<string, { stack: string; id: string }[]>();

beforeAll(() => {
  const { app } = buildApp({ ...cdkContext, 'aws:cdk:bundling-stacks': [] });
  for (const fn of app.node.findAll()) {
    if (!(fn instanceof NodejsFunction)) continue;
    const handler = handlerOf.get(fn);
    if (!handler) continue;
    const stack = Stack.of(fn.role!);
    const role = {
      stack: stack.node.path,
      id: stack.getLogicalId(fn.role!.node.defaultChild as CfnElement),
    };
    roles.set(handler, [...(roles.get(handler) ?? []), role]);
  }
  // Every stack, nested ones (one per bounded context of the API) included.
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  policies = stacks.flatMap((stack) =>
    Object.values(
      (Template.fromStack(stack).toJSON().Resources ?? {}) as Record<
        string,
        { Type: string; Properties: any }
      >,
    )
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .map((r) => ({
        stack: stack.node.path,
        roles: (r.Properties.Roles ?? []).map((role: { Ref?: string }) => role.Ref ?? JSON.stringify(role)),
        document: r.Properties.PolicyDocument,
      })),
  );
});

/** Each LeadingKeys pattern with the actions on it, from the declaration. */
function expected(uses: Uses) {
  const byPattern = new Map<string, Set<string>>();
  const bare = new Set<string>();
  for (const [name, actions] of itemActions(uses)) {
    const pattern = itemType(name).leadingKeys;
    const into = pattern === undefined ? bare : (byPattern.get(pattern) ?? new Set<string>());
    for (const action of actions) into.add(`dynamodb:${action}`);
    if (pattern !== undefined) byPattern.set(pattern, into);
  }
  return {
    byPattern: new Map([...byPattern].map(([p, a]) => [p, [...a].sort()])),
    bare: [...bare].sort(),
    indexes: Object.keys(uses.indexes ?? {}).sort(),
  };
}

/** The same, from the role's statements in the template. */
function granted(statements: Statement[]) {
  const byPattern = new Map<string, Set<string>>();
  const bare = new Set<string>();
  const indexes: string[] = [];
  for (const s of statements) {
    const actions = actionsOf(s).filter((a) => ITEM_ACTION.test(a));
    if (s.Effect !== 'Allow' || !actions.length) continue;
    const resources = resourcesOf(s);
    if (resources.every(isIndex)) {
      expect(actions, 'an index is only queried').toEqual(['dynamodb:Query']);
      expect(s.Condition).toBeUndefined();
      indexes.push(...resources.map((r) => /\/index\/(\w+)/.exec(JSON.stringify(r))![1]!));
      continue;
    }
    // On the table itself, never a wildcard nor its indexes along with it.
    expect(resources.some(isIndex) || JSON.stringify(resources).includes('*')).toBe(false);
    const patterns = leadingKeys(s);
    if (patterns === undefined) for (const a of actions) bare.add(a);
    else
      for (const pattern of [patterns].flat()) {
        const into = byPattern.get(pattern) ?? new Set<string>();
        for (const a of actions) into.add(a);
        byPattern.set(pattern, into);
      }
  }
  return {
    byPattern: new Map([...byPattern].map(([p, a]) => [p, [...a].sort()])),
    bare: [...bare].sort(),
    indexes: indexes.sort(),
  };
}

const statementsOf = (role: { stack: string; id: string }) =>
  policies
    .filter((p) => p.stack === role.stack && p.roles.includes(role.id))
    .flatMap((p) => p.document.Statement);

describe('table grants, item type by item type', () => {
  it('grants each function exactly the table actions its declared items derive, by LeadingKeys', () => {
    expect(roles.size).toBeGreaterThan(40);
    for (const [handler, ofHandler] of roles) {
      const uses = declared.get(handler);
      expect(uses, handler).toBeDefined();
      for (const role of ofHandler) {
        const got = granted(statementsOf(role));
        const want = expected(uses!);
        expect(Object.fromEntries(got.byPattern), handler).toEqual(Object.fromEntries(want.byPattern));
        expect(got.bare, `${handler}: unconditioned`).toEqual(want.bare);
        expect(got.indexes, `${handler}: indexes`).toEqual(want.indexes);
      }
    }
  });

  it('lets nothing Scan, and at most 3 policies write the table without LeadingKeys', () => {
    const all = policies.flatMap((p) => p.document.Statement);
    expect(all.flatMap(actionsOf).filter((a) => /^dynamodb:(Scan|\*)$/.test(a))).toEqual([]);
    const unconditionedWriters = policies.filter((p) =>
      p.document.Statement.some(
        (s) =>
          s.Effect === 'Allow' &&
          actionsOf(s).some((a) => WRITES.test(a)) &&
          leadingKeys(s) === undefined &&
          !resourcesOf(s).every(isIndex),
      ),
    );
    console.log(
      `table grants: ${unconditionedWriters.length} policies write the table without a LeadingKeys condition`,
    );
    expect(unconditionedWriters.length).toBeLessThanOrEqual(3);
  });

  it('keeps every role well under the 10,240 characters IAM allows its inline policies', () => {
    const byRole = new Map<string, number>();
    for (const p of policies)
      for (const role of p.roles) {
        const key = `${p.stack}/${role}`;
        byRole.set(key, (byRole.get(key) ?? 0) + JSON.stringify(p.document).length);
      }
    const [largest, size] = [...byRole].sort(([, a], [, b]) => b - a)[0]!;
    console.log(`table grants: largest role policy ${size} characters (${largest})`);
    expect(size).toBeLessThan(8_000);
  });
});

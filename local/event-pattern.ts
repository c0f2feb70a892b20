import type { EventPattern, PatternValue } from '#platform/consumers.ts';

// The subset of Lambda's (EventBridge-style) filter patterns the declarations use:
// exact strings and numbers, `prefix` and `exists`, nested objects. Anything else is
// refused when the poller starts, rather than silently matching differently from AWS.

function ruleMatches(rule: PatternValue, value: unknown): boolean {
  if (typeof rule === 'string' || typeof rule === 'number') return value === rule;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix);
  if ('exists' in rule) return rule.exists === (value !== undefined);
  return false;
}

function leafMatches(rules: readonly PatternValue[], value: unknown): boolean {
  // A field that is an array matches when any of its elements does.
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => values.some((v) => ruleMatches(rule, v)));
}

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const object = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([field, rule]) =>
    Array.isArray(rule)
      ? leafMatches(rule, object[field])
      : typeof object[field] === 'object' && matchesPattern(rule as EventPattern, object[field]),
  );
}

/** Throws on a rule outside the subset above. */
export function assertSupported(pattern: EventPattern, path = ''): void {
  for (const [field, rule] of Object.entries(pattern)) {
    if (!Array.isArray(rule)) {
      assertSupported(rule as EventPattern, `${path}${field}.`);
      continue;
    }
    for (const value of rule as PatternValue[]) {
      const ok =
        typeof value === 'string' ||
        typeof value === 'number' ||
        (typeof value === 'object' &&
          Object.keys(value).length === 1 &&
          (typeof (value as { prefix?: unknown }).prefix === 'string' ||
            typeof (value as { exists?: unknown }).exists === 'boolean'));
      if (!ok)
        throw new Error(`filter rule at ${path}${field} is not supported locally: ${JSON.stringify(value)}`);
    }
  }
}

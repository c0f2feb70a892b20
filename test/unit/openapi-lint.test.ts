import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#contexts/docs/openapi.ts';

// The document the API serves (GET /openapi.json) under Redocly's `recommended` rules, as
// the linter from the registry judges it: partners' tools read it, so it is kept clean.
describe('OpenAPI document under Redocly recommended', () => {
  it('has no error and no warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(openApiDocument()),
      absoluteRef: 'openapi.json',
      config,
    });
    const found = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(found).toEqual([]);
  });
});

// Checks every workflow definition for what the local interpreter (aws-local-stepfunctions)
// silently ignores, so a definition that passes here runs the same on AWS and locally:
// JSONata (QueryLanguage, Arguments, Output), Assign, Distributed Map (ItemReader,
// ItemBatcher, ResultWriter, DISTRIBUTED mode) and .waitForTaskToken.
//   npx tsx scripts/check-workflows.ts     (exits 1 on a violation; npm test runs it too)
import { createRequire } from 'node:module';
import { workflows } from '#contexts/workflows.ts';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const FORBIDDEN_FIELDS = [
  'QueryLanguage',
  'Arguments',
  'Output',
  'Assign',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
];

/** Every forbidden feature the definition uses, with where. */
export function forbiddenFeatures(definition: unknown, path = '$'): string[] {
  if (Array.isArray(definition))
    return definition.flatMap((item, i) => forbiddenFeatures(item, `${path}[${i}]`));
  if (typeof definition !== 'object' || definition === null) return [];
  const found: string[] = [];
  const node = definition as Record<string, unknown>;
  // Only a state's own fields count: Parameters and Result hold data that may use any name.
  const isState = typeof node.Type === 'string' || 'StartAt' in node;
  for (const [key, value] of Object.entries(node)) {
    if (isState && FORBIDDEN_FIELDS.includes(key)) found.push(`${path}.${key}`);
    if (key === 'QueryLanguage' && value !== 'JSONPath') found.push(`${path}.QueryLanguage=${String(value)}`);
    if (key === 'Mode' && value === 'DISTRIBUTED') found.push(`${path}.Mode=DISTRIBUTED`);
    if (key === 'Resource' && typeof value === 'string' && value.endsWith('.waitForTaskToken'))
      found.push(`${path}.Resource=${value}`);
    if (key !== 'Parameters' && key !== 'Result' && key !== 'ItemSelector')
      found.push(...forbiddenFeatures(value, `${path}.${key}`));
  }
  return found;
}

const fakeArn = (task: string) => `arn:aws:lambda:ap-southeast-3:000000000000:function:${task}`;

export function checkWorkflows(): { name: string; valid: boolean; errors: unknown[]; forbidden: string[] }[] {
  return Object.entries(workflows).map(([name, workflow]) => {
    const definition = workflow.definition(fakeArn);
    const forbidden = forbiddenFeatures(definition);
    // The validator fills in defaults (QueryLanguage) on what it is given: give it a copy.
    const { isValid, errors } = validate(structuredClone(definition));
    return { name, valid: isValid, errors, forbidden };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false;
  for (const result of checkWorkflows()) {
    const ok = result.valid && result.forbidden.length === 0;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${result.name}`, ok ? '' : JSON.stringify(result));
  }
  process.exit(failed ? 1 : 0);
}

import { describe, expect, it } from 'vitest';
import { workflows } from '#shared/workflows/registry.ts';
import { checkWorkflows, forbiddenFeatures } from '../../scripts/check-workflows.ts';

describe('workflow definitions', () => {
  it.each(checkWorkflows())('$name is valid ASL and uses nothing the local interpreter ignores', (result) => {
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.forbidden).toEqual([]);
  });

  // The local runner maps a Task state to its handler by the state's name, the CDK app by
  // its Resource: both must name the same task.
  it.each(Object.entries(workflows))(
    'every Task state of %s is named after its handler',
    (_name, workflow) => {
      const tasks: string[] = [];
      const walk = (states: Record<string, any>) => {
        for (const [name, state] of Object.entries(states)) {
          if (state.Type === 'Task') {
            tasks.push(name);
            expect(state.Resource).toBe(name);
          }
          if (state.ItemProcessor) walk(state.ItemProcessor.States);
        }
      };
      walk(workflow.definition((t) => t).States);
      expect(tasks.sort()).toEqual(Object.keys(workflow.tasks).sort());
    },
  );

  const state = (extra: Record<string, unknown>) => ({
    StartAt: 'A',
    States: { A: { Type: 'Pass', End: true, ...extra } },
  });

  it.each([
    ['JSONata', { StartAt: 'A', QueryLanguage: 'JSONata', States: { A: { Type: 'Pass', End: true } } }],
    ['Arguments', state({ Arguments: {} })],
    ['Output', state({ Output: '{% $states.input %}' })],
    ['Assign', state({ Assign: { x: 1 } })],
    [
      'a Distributed Map',
      state({
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED' },
          StartAt: 'B',
          States: { B: { Type: 'Pass', End: true } },
        },
      }),
    ],
    ['an ItemReader', state({ Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject' } })],
    [
      'waitForTaskToken',
      state({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }),
    ],
  ])('flags %s', (_name, definition) => {
    expect(forbiddenFeatures(definition).length).toBeGreaterThan(0);
  });

  it('does not flag data that merely uses those names', () => {
    expect(forbiddenFeatures(state({ Parameters: { Output: 1, Assign: 2 } }))).toEqual([]);
  });
});

import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The serial groups and the browser files are each one long task (a chain of files run one
// after another): they start first, or the pool would give them a worker only after the
// short files it sorts ahead of them (a small file, with no time yet in the cache).
const isChain = (spec: TestSpecification) => spec.moduleId.endsWith('/serial.test.ts');

export default class ChainsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter(isChain), ...sorted.filter((spec) => !isChain(spec))];
  }
}

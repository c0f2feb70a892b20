import { logger } from '#platform/logger.ts';
import { publishInvocation, withInvocation } from '#platform/observability.ts';

// Every workflow task logs one line as it ends: how long it ran, the DynamoDB capacity
// it consumed and the highest heap seen while it ran (sampled), so the cost and the
// memory of a step can be read per call on AWS and summed by the benchmark.
const SAMPLE_MS = 50;

export function workflowTask<I, O>(
  task: string,
  run: (input: I) => Promise<O>,
  describe?: (input: I, output: O) => object,
) {
  return async (input: I): Promise<O> => {
    const started = performance.now();
    let peak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, SAMPLE_MS);
    const { invocation, result } = withInvocation(() => run(input));
    try {
      const output = await result;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      const ms = Math.round(performance.now() - started);
      const details = { peakHeapMb: Math.round(peak / 2 ** 20), ...describe?.(input, output) };
      logger.info('workflow task', { task, ms, ...details });
      publishInvocation(task, invocation, ms, details);
      return output;
    } finally {
      clearInterval(sampler);
    }
  };
}

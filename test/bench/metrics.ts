import { readFileSync } from 'node:fs';
import { NAMESPACE } from '#platform/observability.ts';

// The benchmarks read what the functions publish as metrics (CloudWatch embedded metric
// format lines in the stack's log), exactly what CloudWatch would aggregate on AWS.

export interface MetricLine {
  operation: string;
  values: Record<string, number>;
  /** Metadata published beside the metrics (e.g. waveId of a workflow task). */
  meta: Record<string, unknown>;
}

export function readMetrics(logFile: string, operation?: (name: string) => boolean): MetricLine[] {
  const out: MetricLine[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{"_aws"')) continue;
    const entry = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
    };
    const directive = entry._aws.CloudWatchMetrics[0];
    if (directive?.Namespace !== NAMESPACE) continue;
    const name = String(entry.operation);
    if (operation && !operation(name)) continue;
    const values: Record<string, number> = {};
    for (const { Name } of directive.Metrics) values[Name] = Number(entry[Name]);
    out.push({ operation: name, values, meta: entry });
  }
  return out;
}

/** Sums of each metric over the lines. */
export function totals(lines: MetricLine[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const line of lines)
    for (const [name, value] of Object.entries(line.values)) sum[name] = (sum[name] ?? 0) + value;
  return sum;
}

// Small helpers shared by the benchmarks: a bounded worker pool and latency summaries.

export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export class Latencies {
  private readonly samples = new Map<string, number[]>();

  async time<T>(step: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const list = this.samples.get(step) ?? [];
      list.push(performance.now() - started);
      this.samples.set(step, list);
    }
  }

  /** Milliseconds spent in `step`, all samples together. */
  total(step: string): number {
    return (this.samples.get(step) ?? []).reduce((a, b) => a + b, 0);
  }

  summary(): Record<string, { p50: number; p99: number; count: number }> {
    const out: Record<string, { p50: number; p99: number; count: number }> = {};
    for (const [step, list] of this.samples) {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (q: number) =>
        round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      out[step] = { p50: at(0.5), p99: at(0.99), count: sorted.length };
    }
    return out;
  }
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function argNumber(name: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(flag?.split('=')[1] ?? process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// npm run bench:bundles [-- --runs=7] [-- --only=accounts/]
// Builds every deployed function's bundle with the CDK app's own options
// (cdk/constructs/bundling.ts), listed from the declarations the CDK app reads
// (test/bundles/deployed.ts), then imports each in fresh Node processes with the
// environment its Lambda gets, and prints its size (minified index.mjs without the map, and
// gzipped), its largest packages (esbuild's metafile) and its module init time (median of
// the runs, taken round by round over all bundles). Baselines, built and imported the same
// way in the same rounds: a bundle of just the DynamoDB client and one GetItem handler
// (test/bench/bundles-baseline.ts), and an empty ES module. No AWS: the bundles are imported, not invoked, from a directory with no
// node_modules above it, so an import the bundle left out (NOT_REACHED_ON_LAMBDA) would
// fail here if made at load. The `bundles` test project invokes them.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BUNDLE_BUDGET_KB } from '#cdk/constructs/bundling.ts';
import { argNumber, round } from '#test/bench/stats.ts';
import { type Built, buildBundles, packages } from '#test/bundles/build.ts';
import {
  type DeployedFunction,
  deployedFunctions,
  entryOf,
  lambdaEnvironment,
} from '#test/bundles/deployed.ts';

const runs = argNumber('runs', 5);
/** Only the functions whose handler contains this text (a quicker look at a few). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '';
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
if (Number(process.versions.node.split('.')[0]) < 24)
  throw new Error('run with Node 24 (npm run bench:bundles)');

/** Never listened on: imports make no call, and a call would be refused on this machine. */
const ENDPOINT = 'http://127.0.0.1:9';
const baselineFunction: DeployedFunction = {
  handler: 'baseline',
  kind: 'task',
  uses: { items: { account: 'read' } },
  routes: [],
  memorySize: 1024,
};

const dir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
const run = promisify(execFile);

/** One import of `file` in a fresh process (Node already up): wall clock milliseconds, and
 *  the CPU time it took (steadier than the wall clock on a shared machine). The
 *  environment's NODE_OPTIONS (--enable-source-maps, as `appFunction` sets) applies. */
async function importOnce(
  file: string,
  environment: Record<string, string>,
): Promise<{ ms: number; cpuMs: number }> {
  const script = `const c = process.cpuUsage(), t = performance.now();
await import(${JSON.stringify(pathToFileURL(file).href)});
const u = process.cpuUsage(c);
console.log(JSON.stringify({ ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], {
    env: environment,
    cwd: dir,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kb = (bytes: number) => bytes / 1024;

interface Measured {
  name: string;
  kb: number;
  gzipKb: number;
  initMs: number;
  initCpuMs: number;
  largest: string;
}

interface Subject {
  built: Built;
  environment: Record<string, string>;
  samples: { ms: number; cpuMs: number }[];
}

function measured(subject: Subject): Measured {
  const { built: b, samples } = subject;
  const code = readFileSync(b.file);
  const largest = packages(b.metafile)
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${kb(bytes).toFixed(0)}`)
    .join(', ');
  return {
    name: b.name,
    kb: kb(code.byteLength),
    gzipKb: kb(gzipSync(code).byteLength),
    initMs: median(samples.map((s) => s.ms)),
    initCpuMs: median(samples.map((s) => s.cpuMs)),
    largest,
  };
}

try {
  const functions = deployedFunctions().filter((fn) => fn.handler.includes(only));
  const baselineName = 'baseline: DynamoDB client + GetItem';
  const built = await buildBundles(dir, [
    { name: baselineName, entry: root('test/bench/bundles-baseline.ts') },
    ...functions.map((fn) => ({ name: fn.handler, entry: entryOf(fn.handler) })),
  ]);
  const baselineEnvironment = lambdaEnvironment(baselineFunction, ENDPOINT);
  const empty = join(dir, 'empty', 'index.mjs');
  mkdirSync(join(dir, 'empty'));
  writeFileSync(empty, 'export {};\n');
  const emptySubject: Subject = {
    built: {
      name: 'empty',
      dir: join(dir, 'empty'),
      file: empty,
      bytes: 0,
      metafile: { inputs: {}, outputs: {} },
    },
    environment: baselineEnvironment,
    samples: [],
  };
  const subjects: Subject[] = [
    { built: built[0]!, environment: baselineEnvironment, samples: [] },
    emptySubject,
    ...functions.map((fn, i) => ({
      built: built[i + 1]!,
      environment: lambdaEnvironment(fn, ENDPOINT),
      samples: [],
    })),
  ];
  // Warm-up: the first spawns pay for a cold file cache.
  for (const s of subjects) await importOnce(s.built.file, s.environment);
  // Round by round, every bundle once per round: a change of load on the shared machine
  // weighs on the baselines as on the functions, instead of on whatever ran then.
  for (let i = 0; i < runs; i += 1)
    for (const s of subjects) s.samples.push(await importOnce(s.built.file, s.environment));
  const baseline = measured(subjects[0]!);
  const emptyInit = {
    ms: median(emptySubject.samples.map((s) => s.ms)),
    cpuMs: median(emptySubject.samples.map((s) => s.cpuMs)),
  };
  const all = subjects.slice(2).map(measured);
  all.sort((a, b) => b.kb - a.kb);

  const line = (m: Measured) =>
    `${m.kb.toFixed(0).padStart(5)} KB ${m.gzipKb.toFixed(0).padStart(4)} KB gz ${m.initMs.toFixed(0).padStart(5)} ms ${m.initCpuMs.toFixed(0).padStart(5)} ms cpu  ${m.name.padEnd(36)} ${m.largest}`;
  console.log(
    `bundles (index.mjs without its map; init = import in a fresh Node ${process.version}, median of ${runs}; budget ${BUNDLE_BUDGET_KB} KB)`,
  );
  for (const m of all) console.log(line(m));
  console.log(line(baseline));
  console.log(`empty ES module: ${emptyInit.ms.toFixed(1)} ms, ${emptyInit.cpuMs.toFixed(1)} ms cpu`);

  const medianInitMs = median(all.map((m) => m.initMs));
  const medianInitCpuMs = median(all.map((m) => m.initCpuMs));
  console.log(
    JSON.stringify({
      bench: 'bundles',
      functions: all.length,
      budgetKb: BUNDLE_BUDGET_KB,
      maxKb: round(Math.max(...all.map((m) => m.kb))),
      medianKb: round(median(all.map((m) => m.kb))),
      minKb: round(Math.min(...all.map((m) => m.kb))),
      medianGzipKb: round(median(all.map((m) => m.gzipKb))),
      maxInitMs: round(Math.max(...all.map((m) => m.initMs))),
      medianInitMs: round(medianInitMs),
      baselineKb: round(baseline.kb),
      baselineInitMs: round(baseline.initMs),
      emptyInitMs: round(emptyInit.ms),
      medianInitCpuMs: round(medianInitCpuMs),
      baselineInitCpuMs: round(baseline.initCpuMs),
      ratio: round(medianInitMs / baseline.initMs, 2),
      rawRatio: round(medianInitMs / emptyInit.ms, 2),
      cpuRatio: round(medianInitCpuMs / baseline.initCpuMs, 2),
      callsPerOp: 0,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

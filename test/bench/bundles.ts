// npm run bench:bundles [-- --runs=7] [-- --only=accounts/]
// Builds every function's bundle with the CDK app's own options (cdk/constructs/bundling.ts),
// then imports each in fresh Node processes with the environment its Lambda gets, and
// prints its size (minified index.mjs without the map, and gzipped), its largest packages
// (esbuild's metafile) and its module init time (median of the runs). Baselines, built
// and imported the same way in the same run: a bundle of just the DynamoDB client and one
// GetItem handler (test/bench/bundles-baseline.ts), and an empty ES module. No AWS: the
// bundles are imported, not invoked, from a directory with no node_modules above it, so
// an import the bundle left out (NOT_REACHED_ON_LAMBDA) would fail here if made at load.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type Metafile } from 'esbuild';
import { buildApp } from '#cdk/app.ts';
import { BUNDLE_BUDGET_KB, esbuildOptions } from '#cdk/constructs/bundling.ts';
import { handlerOf } from '#cdk/constructs/function.ts';
import { argNumber, round } from '#test/bench/stats.ts';

const runs = argNumber('runs', 5);
/** Only the functions whose handler contains this text (a quicker look at a few). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? '';
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
if (Number(process.versions.node.split('.')[0]) < 24)
  throw new Error('run with Node 24 (npm run bench:bundles)');

interface Bundle {
  name: string;
  entry: string;
  environment: Record<string, string>;
}

/** The app's functions and the environment each gets, from the CDK app itself (built
 *  without bundling: this bench bundles). Unresolved tokens (ARNs, URLs) get a stand-in. */
function appBundles(): Bundle[] {
  const context = JSON.parse(readFileSync(root('cdk.json'), 'utf8')).context;
  const { app } = buildApp({ ...context, 'aws:cdk:bundling-stacks': [] });
  return app.node
    .findAll()
    .filter((fn): fn is NodejsFunction => fn instanceof NodejsFunction)
    .map((fn) => {
      const handler = handlerOf.get(fn)!;
      const cfn = fn.node.defaultChild as CfnFunction;
      const variables = (Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> })
        .variables;
      const environment = Object.fromEntries(
        Object.entries(variables ?? {}).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : `arn:aws:stand-in:ap-southeast-3:123456789012:${name}`,
        ]),
      );
      return { name: handler, entry: root(`functions/${handler}.ts`), environment };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What a Lambda sets before it imports the handler (a trace daemon, never reached at import). */
const lambdaEnvironment = (name: string) => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'ap-southeast-3',
  AWS_LAMBDA_FUNCTION_NAME: name.replace(/\W/g, '-'),
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
});

const dir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
const run = promisify(execFile);

async function bundle(name: string, entry: string): Promise<{ file: string; metafile: Metafile }> {
  const file = join(dir, name.replace(/\W/g, '-'), 'index.mjs');
  const { metafile } = await build({ ...esbuildOptions(entry, file), metafile: true, logLevel: 'error' });
  return { file, metafile: metafile! };
}

/** The bytes of each package (or of our own code) in the bundle, largest first. */
function packages(metafile: Metafile): [string, number][] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'own code';
      bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
    }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/** Milliseconds to import `file` in a fresh process (Node already up): wall clock, and the
 *  CPU time it took (steadier than the wall clock on a shared machine), medians of the runs. */
async function initMs(
  file: string,
  environment: Record<string, string>,
): Promise<{ ms: number; cpuMs: number }> {
  const script = `const c = process.cpuUsage(), t = performance.now();
await import(${JSON.stringify(pathToFileURL(file).href)});
const u = process.cpuUsage(c);
console.log(JSON.stringify({ ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  const samples: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '--eval', script],
      { env: environment, cwd: dir },
    );
    samples.push(JSON.parse(stdout.trim().split('\n').at(-1)!));
  }
  return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
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

async function measure(b: Bundle): Promise<Measured> {
  const { file, metafile } = await bundle(b.name, b.entry);
  const code = readFileSync(file);
  const largest = packages(metafile)
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${kb(bytes).toFixed(0)}`)
    .join(', ');
  const init = await initMs(file, { ...lambdaEnvironment(b.name), ...b.environment });
  return {
    name: b.name,
    kb: kb(code.byteLength),
    gzipKb: kb(gzipSync(code).byteLength),
    initMs: init.ms,
    initCpuMs: init.cpuMs,
    largest,
  };
}

try {
  const functions = appBundles().filter((b) => b.name.includes(only));
  const empty = join(dir, 'empty', 'index.mjs');
  mkdirSync(join(dir, 'empty'));
  writeFileSync(empty, 'export {};\n');
  // Warm-up: the first spawns pay for a cold file cache.
  await initMs(empty, lambdaEnvironment('empty'));
  const emptyInit = await initMs(empty, lambdaEnvironment('empty'));
  const baseline = await measure({
    name: 'baseline: DynamoDB client + GetItem',
    entry: root('test/bench/bundles-baseline.ts'),
    environment: { TABLE_NAME: 'bench' },
  });
  const measured: Measured[] = [];
  for (const b of functions) measured.push(await measure(b));
  measured.sort((a, b) => b.kb - a.kb);

  const line = (m: Measured) =>
    `${m.kb.toFixed(0).padStart(5)} KB ${m.gzipKb.toFixed(0).padStart(4)} KB gz ${m.initMs.toFixed(0).padStart(5)} ms ${m.initCpuMs.toFixed(0).padStart(5)} ms cpu  ${m.name.padEnd(36)} ${m.largest}`;
  console.log(
    `bundles (index.mjs without its map; init = import in a fresh Node ${process.version}, median of ${runs}; budget ${BUNDLE_BUDGET_KB} KB)`,
  );
  for (const m of measured) console.log(line(m));
  console.log(line(baseline));
  console.log(`empty ES module: ${emptyInit.ms.toFixed(1)} ms, ${emptyInit.cpuMs.toFixed(1)} ms cpu`);

  const medianInitMs = median(measured.map((m) => m.initMs));
  const medianInitCpuMs = median(measured.map((m) => m.initCpuMs));
  console.log(
    JSON.stringify({
      bench: 'bundles',
      functions: measured.length,
      budgetKb: BUNDLE_BUDGET_KB,
      maxKb: round(Math.max(...measured.map((m) => m.kb))),
      medianKb: round(median(measured.map((m) => m.kb))),
      minKb: round(Math.min(...measured.map((m) => m.kb))),
      medianGzipKb: round(median(measured.map((m) => m.gzipKb))),
      maxInitMs: round(Math.max(...measured.map((m) => m.initMs))),
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

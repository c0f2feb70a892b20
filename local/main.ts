import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { relative, resolve } from 'node:path';
import { requireJava } from '#local/engines.ts';
import { startStack } from '#local/stack.ts';
import { splitOutput } from '#local/terminal.ts';

// `npm start`: the whole backend on this machine. Options come from the environment:
// PORT (default 3000: the API and the citizens' site), CONSOLE_PORT (default PORT + 1, or
// a free port when PORT is 0: the administrators' console, an origin of its own),
// STACK_DIR (default .local), IN_MEMORY=1 for a throwaway database.
//
// Whatever ends it (Ctrl-C, SIGTERM, SIGHUP, an exception), it stops what it started and
// waits for DynamoDB Local's JVM to exit; if it is killed outright, the JVM sees its stdin
// close and exits by itself (local/java/LoopbackDynamoDbLocal.java).
const dir = resolve(process.env.STACK_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
const consolePort = Number(process.env.CONSOLE_PORT ?? (port ? port + 1 : 0));
const lockFile = resolve(dir, 'stack.pid');
const logFile = resolve(dir, 'stack.log');

function runningPid(): number | undefined {
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, 'utf8'));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

// 1. Another stack on this directory: say where it is, and fail (this one did not start).
const other = runningPid();
if (other) {
  const stackFile = resolve(dir, 'stack.json');
  let running: { apiUrl?: string; consoleUrl?: string } = {};
  try {
    running = JSON.parse(readFileSync(stackFile, 'utf8'));
  } catch {
    // Still starting: no stack.json yet.
  }
  const consoleNote = running.consoleUrl ? ` (console: ${running.consoleUrl}/)` : '';
  console.error(
    `The local stack is already running (pid ${other}) at ${running.apiUrl ?? '?'}${consoleNote}. Stop it with Ctrl-C in its terminal or: kill ${other}`,
  );
  process.exit(1);
}

// 2. The ports, before any engine starts: a port in use is said at once.
function portInUse(p: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(true));
    probe.listen(p, '127.0.0.1', () => probe.close(() => done(false)));
  });
}
for (const [which, p] of [
  ['PORT', port],
  ['CONSOLE_PORT', consolePort],
] as const) {
  if (p && (await portInUse(p))) {
    console.error(`Port ${p} is in use: set ${which} to another port (e.g. ${which}=${p + 100} npm start).`);
    process.exit(1);
  }
}

requireJava();

// 3. This directory is ours until we exit.
mkdirSync(dir, { recursive: true });
writeFileSync(lockFile, String(process.pid));

// 4. The terminal is for people: the full JSON logs go to the log file.
const restoreOutput = splitOutput(logFile);

const started = performance.now();
const starting = new AbortController();
const stack = startStack(
  { dir, port, consolePort, inMemory: process.env.IN_MEMORY === '1' },
  starting.signal,
);
let stopping = false;
async function shutdown(reason: string, code: number) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the local stack...`);
  // A start still under way stops what it had started and throws; a started stack stops.
  starting.abort(new Error(reason));
  // A stop that hangs must not keep the terminal: the JVM follows us out anyway.
  setTimeout(() => process.exit(code), 15_000).unref();
  await stack.then(
    (s) => s.stop(),
    () => {},
  );
  process.exit(code);
}
// Asked to stop: a stack that was up stops cleanly (0); a start cut short is 128 + the signal.
let up = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)
  process.on(signal, () => void shutdown(signal, up ? 0 : code));
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (error) => {
    console.error(`${event}:`, error);
    void shutdown(event, 1);
  });
let dynamoProcess: import('node:child_process').ChildProcess | undefined;
process.on('exit', () => {
  // However we got here: no JVM (a stopped one is already gone) and no lock of ours left.
  dynamoProcess?.kill('SIGKILL');
  try {
    if (readFileSync(lockFile, 'utf8') === String(process.pid)) rmSync(lockFile, { force: true });
  } catch {
    // No lock file.
  }
  restoreOutput();
});

stack.then(
  ({ info, dynamoProcess: jvm }) => {
    dynamoProcess = jvm;
    if (stopping) return;
    up = true;
    ready(info);
  },
  (error) => {
    if (stopping) return; // shutdown() exits
    const { code, port: busy } = error as NodeJS.ErrnoException & { port?: number };
    const which = busy === consolePort && busy !== port ? 'CONSOLE_PORT' : 'PORT';
    console.error(
      code === 'EADDRINUSE' ? `Port ${busy ?? port} is in use: set ${which} to another port.` : error,
    );
    process.exit(1);
  },
);

function ready(info: Awaited<typeof stack>['info']) {
  const shortLog = relative(process.cwd(), logFile).startsWith('..')
    ? logFile
    : relative(process.cwd(), logFile);
  console.log(
    [
      `Prakerja backend ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      `  Web            ${info.apiUrl}/   (citizens)   ${info.consoleUrl}/   (administrators' console, an origin of its own)`,
      `  API            ${info.apiUrl}   (OpenAPI: ${info.apiUrl}/openapi.json)`,
      `  DynamoDB Local ${info.dynamoEndpoint}   table ${info.tableName}`,
      `  SQS (fauxqs)   ${info.sqsEndpoint}   failed outbox batches: ${info.failureQueueUrl}`,
      `  queues         ${Object.keys(info.queues).join(', ')}   (each with a -dlq)`,
      `  SES/SNS        ${info.notificationsEndpoint}   (what was sent: ${info.apiUrl}/_local/sent?to=...)`,
      `  Payments       ${info.paymentPartnersEndpoint}/{code}/v1   (ledger: ${info.apiUrl}/_local/payment-partners/{code}/ledger)`,
      `  credentials    ${resolve(dir, 'stack.json')}`,
      `  logs           ${shortLog}   (every JSON log line; here: one line per request, warnings, errors)`,
      '  Something to show: npm run seed:demo (a drawn wave with purchases, completions and incentives due)',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
}

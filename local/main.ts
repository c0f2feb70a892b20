import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireJava } from '#local/engines.ts';
import { startStack } from '#local/stack.ts';

// `npm start`: the whole backend on this machine. Options come from the environment:
// PORT (default 3000: the API and the citizens' site), CONSOLE_PORT (default PORT + 1, or
// a free port when PORT is 0: the administrators' console, an origin of its own),
// STACK_DIR (default .local), IN_MEMORY=1 for a throwaway database.
const dir = resolve(process.env.STACK_DIR ?? '.local');
const port = Number(process.env.PORT ?? 3000);
const consolePort = Number(process.env.CONSOLE_PORT ?? (port ? port + 1 : 0));
const lockFile = resolve(dir, 'stack.pid');

function runningPid(): number | undefined {
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

const other = runningPid();
if (other) {
  const stackFile = resolve(dir, 'stack.json');
  const running = existsSync(stackFile)
    ? (JSON.parse(readFileSync(stackFile, 'utf8')) as { apiUrl?: string; consoleUrl?: string })
    : {};
  const consoleNote = running.consoleUrl ? ` (console: ${running.consoleUrl}/)` : '';
  console.log(
    `The local stack is already running (pid ${other}) at ${running.apiUrl ?? '?'}${consoleNote}. Stop it with Ctrl-C in its terminal or: kill ${other}`,
  );
  process.exit(0);
}

requireJava();
const started = performance.now();
let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({ dir, port, consolePort, inMemory: process.env.IN_MEMORY === '1' });
} catch (error) {
  const { code, port: busy } = error as NodeJS.ErrnoException & { port?: number };
  const which = busy === consolePort && busy !== port ? 'CONSOLE_PORT' : 'PORT';
  console.error(
    code === 'EADDRINUSE' ? `Port ${busy ?? port} is in use: set ${which} to another port.` : error,
  );
  process.exit(1);
}
writeFileSync(lockFile, String(process.pid));

const { info } = stack;
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
    'Ctrl-C stops it.',
  ].join('\n'),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack...`);
  await stack.stop();
  rmSync(lockFile, { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// If this process dies any other way, do not leave the Java process behind.
process.on('exit', () => stack.dynamoProcess.kill('SIGKILL'));

// A stand-in for Lambda's Node.js runtime, run by the `bundles` test project in a child
// `node` from a directory with no node_modules above it:
//   node lambda-runtime.mjs <dir holding index.mjs> <cases.json> <result.json>
// It imports index.mjs as the runtime does (an ES module, `handler` its export), then
// invokes the handler with each case's event and a Lambda context, one after another.
// Every socket, datagram and DNS lookup is recorded; one to anything but 127.0.0.1 is
// refused, so nothing can leave the machine whatever a handler tries.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, casesFile, resultFile] = process.argv.slice(2);
const network = [];
const loopback = new Set(['127.0.0.1', 'localhost', '::1', undefined]);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  network.push(`tcp ${options.host ?? options.path}:${options.port ?? ''}`);
  if (!loopback.has(options.host)) throw new Error(`no network in this test: ${options.host}`);
  return connect.apply(this, args);
};
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  const [port, host] = args.filter((a) => typeof a === 'number' || typeof a === 'string').slice(-2);
  network.push(`udp ${host}:${port}`);
  if (!loopback.has(host)) throw new Error(`no network in this test: ${host}`);
  return send.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  network.push(`dns ${hostname}`);
  if (loopback.has(hostname)) return lookup.call(this, hostname, ...rest);
  // Refused here, without asking a resolver.
  const callback = rest.at(-1);
  const error = Object.assign(new Error(`no network in this test: ${hostname}`), { code: 'ENOTFOUND' });
  process.nextTick(() => callback(error));
};

const cpu = process.cpuUsage();
const module = await import(pathToFileURL(join(dir, 'index.mjs')).href);
const usage = process.cpuUsage(cpu);
const result = {
  initCpuMs: (usage.user + usage.system) / 1000,
  handlerType: typeof module.handler,
  /** Anything the import itself reached for (nothing should). */
  initNetwork: [...network],
  invocations: [],
  network,
};

const context = (n) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:ap-southeast-3:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => 10_000,
  done() {},
  fail() {},
  succeed() {},
});

const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
for (const [n, { name, event }] of cases.entries()) {
  const before = network.length;
  process.env._X_AMZN_TRACE_ID = `Root=1-67890abc-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0`;
  try {
    const answer = await Promise.race([
      module.handler(event, context(n)),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5000).unref()),
    ]);
    result.invocations.push({ name, answer, network: network.slice(before) });
  } catch (error) {
    result.invocations.push({ name, error: String(error?.stack ?? error), network: network.slice(before) });
  }
}
writeFileSync(resultFile, JSON.stringify(result));
// Lambda freezes the process after the answer; a pending timer or socket must not hold it here.
process.exit(0);

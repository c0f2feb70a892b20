import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { queueConsumers, streamConsumers } from '#contexts/consumers.ts';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { REGISTRY_QUEUE } from '#contexts/registry/queues.ts';
import { contracts, routes } from '#contexts/routes.ts';
import { createApiListener } from '#local/adapter.ts';
import { ensureTable, startDynamo, startQueues } from '#local/engines.ts';
import { createLocalServer } from '#local/http-server.ts';
import { startNotificationStandIns } from '#local/notifications.ts';
import { startPaymentPartnerSimulator } from '#local/payment-partners.ts';
import { startQueueConsumers } from '#local/queues.ts';
import { quietSdk } from '#local/quiet-sdk.ts';
import { startRegistrySimulator } from '#local/registry.ts';
import * as localRoutes from '#local/routes.ts';
import { startSchedules } from '#local/schedules.ts';
import { type SeededAdmin, seedAdmins, seedPartners } from '#local/seed.ts';
import { LOCAL_SENDING_RATE } from '#local/sent.ts';
import { startStreamConsumer } from '#local/streams.ts';
import { createWebServer } from '#local/web.ts';
import { localStateMachineArn, startWorkflows } from '#local/workflows.ts';
import { queueUrlVariable } from '#platform/config.ts';
import { dlqName, type QueueConsumer } from '#platform/queues.ts';
import { sqs } from '#platform/queues-client.ts';
import { db } from '#platform/store/client.ts';

export interface StackOptions {
  /** Where keys.json, stack.json and (unless inMemory) the DynamoDB files live. */
  dir: string;
  /** The citizens' site and the API (0: a free port). */
  port: number;
  /** The administrators' console, an origin of its own, with the same API (0: a free port). */
  consolePort: number;
  inMemory: boolean;
}

export interface StackInfo {
  /** The API, and the citizens' site at `/`. */
  apiUrl: string;
  /** The administrators' console at `/`, on an origin of its own (its own sessionStorage),
   *  with the same API; the citizens' origin answers 404 for `/admin` and `/admin/...`. */
  consoleUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** The local Step Functions endpoint (DescribeExecution also counts state transitions). */
  workflowsEndpoint: string;
  /** The local SES v2 and SNS stand-ins (one port for both). */
  notificationsEndpoint: string;
  /** The outbox sender's on-failure destination, on the SQS emulator. */
  failureQueueUrl: string;
  /** Each consumed queue (platform/queues.ts) and its DLQ, on the SQS emulator. */
  queues: Record<string, { url: string; dlqUrl: string }>;
  tableName: string;
  admins: SeededAdmin[];
  partners: Awaited<ReturnType<typeof seedPartners>>;
  /** The payment-partner simulator's root: each partner under /{code}, its control
   *  interface under /_control (local/payment-partners.ts). */
  paymentPartnersEndpoint: string;
  /** The programme's signing key per payment partner (what PAYMENT_PARTNER_KEYS holds). */
  paymentPartnerKeys: Record<string, PartnerKey>;
  /** The civil-registry simulator (local/registry.ts); its control routes: /_local/registry/... */
  registryEndpoint: string;
}

interface LocalKeys {
  jwtKey: string;
  lookupKey: string;
  dataKey: string;
  adminPassword: string;
  approverPassword: string;
  /** The programme's key at each payment partner (the simulator checks them). */
  paymentPartnerKeys: Record<string, PartnerKey>;
  /** The programme's key at the civil registry (the simulator checks it). */
  registryKey: PartnerKey;
}

/** Key material for this machine's stack, made once and kept beside the data it protects. */
function localKeys(dir: string): LocalKeys {
  const file = join(dir, 'keys.json');
  const random = () => randomBytes(32).toString('base64');
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalKeys>) : {};
  const keys: LocalKeys = {
    jwtKey: existing.jwtKey ?? random(),
    lookupKey: existing.lookupKey ?? random(),
    dataKey: existing.dataKey ?? random(),
    adminPassword: existing.adminPassword ?? randomBytes(12).toString('base64url'),
    approverPassword: existing.approverPassword ?? randomBytes(12).toString('base64url'),
    // A key per payment partner; an older keys.json gains those it lacks.
    paymentPartnerKeys: Object.fromEntries(
      PAYMENT_PARTNERS.map(({ code }) => [
        code,
        existing.paymentPartnerKeys?.[code] ?? {
          keyId: `prakerja-${code}-${randomBytes(4).toString('hex')}`,
          secret: randomBytes(32).toString('base64url'),
        },
      ]),
    ),
    registryKey: existing.registryKey ?? {
      keyId: `prakerja-dukcapil-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    },
  };
  if (JSON.stringify(existing) !== JSON.stringify(keys))
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/**
 * Starts the whole stack. If the start fails or `signal` aborts it, what had started is
 * stopped (DynamoDB Local's JVM waited for) before the error is thrown; `stop` stops it all.
 */
export async function startStack(options: StackOptions, signal?: AbortSignal) {
  // What has started, in order; stopped in reverse, each whatever the others do.
  const stops: (() => unknown)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const stopOne of stops.splice(0).reverse())
        await Promise.resolve()
          .then(stopOne)
          .catch((error) => console.error('while stopping the local stack:', error));
    })();
    return stopping;
  };
  const track = <T>(started: Promise<T>, stopIt: (value: T) => unknown) =>
    started.then((value) => {
      stops.push(() => stopIt(value));
      return value;
    });
  try {
    return await start(options, signal, stops, stop, track);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function start(
  options: StackOptions,
  signal: AbortSignal | undefined,
  stops: (() => unknown)[],
  stop: () => Promise<void>,
  track: <T>(started: Promise<T>, stopIt: (value: T) => unknown) => Promise<T>,
) {
  mkdirSync(options.dir, { recursive: true });
  const keys = localKeys(options.dir);
  const dataDir = options.inMemory ? undefined : join(options.dir, 'dynamodb');
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  // Handler files are found from the repository root (platform/handlers.ts).
  const functionsDir = new URL('../', import.meta.url);
  const engines = [
    track(startDynamo(dataDir, signal), (d) => d.stop()),
    track(startQueues(), (q) => q.stop()),
    track(startWorkflows(functionsDir), (w) => w.stop()),
    track(startNotificationStandIns(), (n) => n.stop()),
    // The partners' books are theirs: on disk beside the stack's, unless in memory.
    track(
      startPaymentPartnerSimulator({
        keys: keys.paymentPartnerKeys,
        ...(options.inMemory ? {} : { dir: join(options.dir, 'payment-partners') }),
      }),
      (p) => p.stop(),
    ),
    track(startRegistrySimulator({ key: keys.registryKey }), (r) => r.stop()),
  ] as const;
  // Every engine started or failed before any is stopped: none is left behind.
  await Promise.allSettled(engines);
  const [dynamo, queues, workflows, notifications, payments, registry] = await Promise.all(engines);
  signal?.throwIfAborted();
  const tableName = 'prakerja';
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SQS_ENDPOINT: queues.address,
    SFN_ENDPOINT: workflows.endpoint,
    SELECTION_STATE_MACHINE_ARN: localStateMachineArn('selection'),
    PAYOUT_STATE_MACHINE_ARN: localStateMachineArn('payout'),
    PAYOUT_POLL_SECONDS: process.env.PAYOUT_POLL_SECONDS ?? '1',
    SES_ENDPOINT: notifications.endpoint,
    SNS_ENDPOINT: notifications.endpoint,
    EMAIL_FROM: 'Prakerja <no-reply@prakerja.local>',
    // The bulk senders' provider rate: the stand-ins' (POST /_local/notifications/rate moves both).
    NOTICE_RATE_EMAIL: String(LOCAL_SENDING_RATE),
    NOTICE_RATE_SMS: String(LOCAL_SENDING_RATE),
    AWS_REGION: 'ap-southeast-3',
    JWT_KEY: keys.jwtKey,
    LOOKUP_KEY: keys.lookupKey,
    DATA_KEY: keys.dataKey,
    PAYMENT_PARTNER_ENDPOINTS: JSON.stringify(payments.endpoints),
    PAYMENT_PARTNER_KEYS: JSON.stringify(keys.paymentPartnerKeys),
    PAYMENT_SIMULATOR_ENDPOINT: payments.endpoint,
    REGISTRY_ENDPOINT: registry.endpoint,
    REGISTRY_KEY: JSON.stringify(keys.registryKey),
    REGISTRY_SIMULATOR_ENDPOINT: registry.endpoint,
    // Checks retried within seconds locally (1 s, 2 s, then every 4 s): the demo and the
    // tests draw right after registering; on AWS the declaration's 30 s up to 15 minutes.
    REGISTRY_VISIBILITY_TIMEOUT_S: process.env.REGISTRY_VISIBILITY_TIMEOUT_S ?? '1',
    REGISTRY_MAX_VISIBILITY_S: process.env.REGISTRY_MAX_VISIBILITY_S ?? '4',
    POWERTOOLS_DEV: process.env.POWERTOOLS_DEV ?? 'false',
  });
  await ensureTable(dynamo.client, tableName);
  // The queue consumers, as their SQS event source mappings run them on AWS; every
  // function that declares a queue finds its URL where the CDK app puts it.
  // Each queue's local visibility override (tests): the registry's own, the payouts' for the rest.
  const visibility = Number(process.env.PAYOUT_VISIBILITY_TIMEOUT_S);
  const registryVisibility = Number(process.env.REGISTRY_VISIBILITY_TIMEOUT_S);
  const consumed = await startQueueConsumers({
    consumers: localQueueConsumers({ payouts: visibility, registry: registryVisibility }),
    functionsDir,
    sqsEndpoint: queues.address,
    region: process.env.AWS_REGION ?? 'ap-southeast-3',
  });
  stops.push(() => consumed.stop());
  signal?.throwIfAborted();
  for (const [name, url] of consumed.queueUrls) process.env[queueUrlVariable(name)] = url;
  // A DLQ's URL too: the notice backlog counts what is in them.
  for (const [name, url] of consumed.dlqUrls) process.env[queueUrlVariable(dlqName(name))] = url;

  // The outbox sender, as the stream's event source mapping runs it on AWS.
  // After the queues: it moves bulk notices to theirs.
  const [outboxConsumer] = streamConsumers;
  const outbox = await startStreamConsumer({
    consumer: outboxConsumer!,
    functionsDir,
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: queues.address,
    tableName,
    region: process.env.AWS_REGION ?? 'ap-southeast-3',
    // An in-memory table's stream is new each start: its position is kept apart, for tests
    // that wait until the sender has read past what they wrote (test/support/outbox.ts).
    checkpointFile: join(options.dir, dataDir ? 'streams.json' : 'streams.memory.json'),
  });
  stops.push(() => outbox.stop());
  // The functions' table and queue clients, in this process: see quietSdk.
  quietSdk(db());
  quietSdk(sqs());
  const admins: SeededAdmin[] = [
    { email: 'admin@prakerja.local', password: keys.adminPassword, role: 'admin' },
    { email: 'approver@prakerja.local', password: keys.approverPassword, role: 'approver' },
  ];
  await seedAdmins(admins);
  const partners = await seedPartners();

  // Two origins, as two CloudFront distributions of one build: the citizens' site and the
  // console, each serving the whole API too (the pages call it on their own origin).
  const api = createApiListener([...routes, ...contracts(localRoutes)], functionsDir);
  const citizensWeb = createWebServer(undefined, 'citizens');
  const consoleWeb = createWebServer(undefined, 'console');
  const servers = [
    createLocalServer((req, res) => api(req, res, citizensWeb)),
    createLocalServer((req, res) => api(req, res, consoleWeb)),
  ] as const;
  const listen = (server: Server, port: number) =>
    new Promise<string>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      );
    });
  stops.push(() =>
    Promise.all(
      servers
        .filter((server) => server.listening)
        .map((server) => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        }),
    ),
  );
  signal?.throwIfAborted();
  // A port in use throws here: startStack stops what had started (DynamoDB Local is a process).
  const apiUrl = await listen(servers[0], options.port);
  const consoleUrl = await listen(servers[1], options.consolePort);
  const timers = startSchedules(functionsDir);
  stops.push(() => timers.stop());
  // Each page calls the API on its own origin; WEB_ORIGIN (one origin or a comma-separated
  // list, e.g. a Vite dev server's) replaces both as what CORS allows.
  process.env.WEB_ORIGIN ||= `${apiUrl},${consoleUrl}`;
  const info: StackInfo = {
    apiUrl,
    consoleUrl,
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: queues.address,
    workflowsEndpoint: workflows.endpoint,
    notificationsEndpoint: notifications.endpoint,
    failureQueueUrl: outbox.failureQueueUrl,
    queues: Object.fromEntries(
      [...consumed.queueUrls].map(([name, url]) => [name, { url, dlqUrl: consumed.dlqUrls.get(name)! }]),
    ),
    tableName,
    admins,
    partners,
    paymentPartnersEndpoint: payments.endpoint,
    paymentPartnerKeys: keys.paymentPartnerKeys,
    registryEndpoint: registry.endpoint,
  };
  writeFileSync(join(options.dir, 'stack.json'), JSON.stringify(info, null, 2), { mode: 0o600 });

  return { info, stop, dynamoProcess: dynamo.process };
}

/** The queue consumers as the local stack runs them, with the tests' visibility overrides
 *  (`PAYOUT_VISIBILITY_TIMEOUT_S`, `REGISTRY_VISIBILITY_TIMEOUT_S`; 0: none). */
export function localQueueConsumers(overrides: { payouts: number; registry: number }): QueueConsumer[] {
  return queueConsumers.map((c) => {
    const override = c.queue === REGISTRY_QUEUE ? overrides.registry : overrides.payouts;
    if (!(override > 0)) return c;
    // AWS refuses a mapping whose queue hides a message for less than its function may
    // run. A dead payout batch is settled once its last delivery's dispatcher can no longer
    // run (contexts/payouts/redelivery.ts): a shorter visibility shortens the dispatcher's
    // timeout too. The others' queues still hide a message for as long as their function
    // may run, so one slowed by a loaded machine is not delivered again while it runs: the
    // override only brings back sooner a message whose delivery failed (a notice sender's
    // crash), and sets the registry's retry delays (1 s, 2 s, then every 4 s), which the
    // check sets on each message it retries.
    return payoutQueues.some((q) => q.queue === c.queue)
      ? { ...c, visibilityTimeoutSeconds: override, timeoutSeconds: Math.min(c.timeoutSeconds, override) }
      : { ...c, visibilityTimeoutSeconds: Math.max(override, c.timeoutSeconds) };
  });
}

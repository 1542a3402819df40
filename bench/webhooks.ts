// Webhook ingestion: signed Fjord Jobs application deliveries, 10 % of them sent twice, 20 at a time, to the
// server with its worker on: answers per second and their latency against a bare server that only checks the
// signature, and how fast the inbox turns them into applications — every one exactly once.
import { randomUUID } from 'node:crypto';
import { fjordDelivery, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { type RunningProcess, runScript } from '../test/support/process.ts';
import {
  type BenchServer,
  connectFjordJobs,
  freePort,
  ms,
  ratio,
  startBenchServer,
  workerStatements,
} from './support.ts';
import type { BenchResult } from './index.ts';

const DELIVERIES = Number(process.env.WEBHOOK_BENCH_DELIVERIES ?? 2000);
const CONCURRENCY = 20;

/** Sends the deliveries `CONCURRENCY` at a time; each answer's status and latency. */
async function send(url: string, deliveries: { headers: Record<string, string>; body: string }[]) {
  const answers: { status: number; ms: number }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const began = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...delivery.headers },
          body: delivery.body,
        });
        await response.arrayBuffer();
        answers.push({ status: response.status, ms: performance.now() - began });
      }
    }),
  );
  const elapsed = performance.now() - started;
  const times = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  return {
    answers,
    elapsed,
    perSecond: deliveries.length / (elapsed / 1000),
    p50: times[Math.floor(times.length / 2)]!,
    p99: times[Math.floor(times.length * 0.99)]!,
  };
}

/** The server's db_statements_total: SQL statements sent so far (transaction control not counted). */
async function statementsOf(server: { base: string }): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return Number(/^db_statements_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

type Delivery = { headers: Record<string, string>; body: string };

/**
 * Sends every delivery to a server's Fjord Jobs contract, then waits until each unique one is an application: the
 * answers, how long until all were applied, and the SQL statements the server (and its worker process) sent.
 */
async function ingest(server: BenchServer, contractId: string, all: Delivery[], worker?: RunningProcess) {
  const statementsBefore = await statementsOf(server);
  const started = performance.now();
  const answers = await send(`${server.base}/webhooks/fjord-jobs/${contractId}`, all);
  const refused = answers.answers.filter((answer) => answer.status >= 300);
  if (refused.length > 0) throw new Error(`${refused.length} deliveries were refused (first: ${refused[0]!.status})`);
  let applied = 0;
  for (;;) {
    applied = Number((await server.db.query<{ count: string }>('SELECT count(*) FROM application')).rows[0]!.count);
    if (applied >= DELIVERIES || performance.now() - started > 300_000) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const processed = performance.now() - started;
  let statements = (await statementsOf(server)) - statementsBefore;
  if (worker) {
    worker.child.kill('SIGTERM');
    await worker.exited;
    statements += workerStatements(worker);
  }
  if (applied !== DELIVERIES) throw new Error(`${applied} applications for ${DELIVERIES} deliveries`);
  return { answers, processed, applied, statementsPerDelivery: statements / all.length };
}

export async function webhooksBench(): Promise<BenchResult> {
  const board = await startFjordJobsSimulator();
  const boardEnv = { BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts', BOARD_BASE_URLS: `fjord-jobs=${board.url}` };
  const port = await freePort();
  const bare = runScript('bench/bare-webhook.ts', { PORT: String(port) });
  const servers: BenchServer[] = [];
  try {
    await bare.waitFor(/Listening on/, 30_000);
    const unique = Array.from({ length: DELIVERIES }, (_, index) =>
      fjordDelivery(
        '123456',
        {
          type: 'application.received',
          applicationId: `app-${index}`,
          jobId: 'fj-unknown',
          applicant: { name: `Søker ${index}`, email: `soker${index}@example.no` },
        },
        { deliveryId: randomUUID() },
      ),
    );
    const all = [...unique, ...unique.filter((_, index) => index % 10 === 0)].sort(() => Math.random() - 0.5);
    const baseline = await send(`http://127.0.0.1:${port}/`, all);

    // One process: the API applies the inbox itself (the embedded default).
    const single = await startBenchServer('webhooks', { WORKER: 'true', ...boardEnv });
    servers.push(single);
    const inProcess = await ingest(single, await connectFjordJobs(single), all);

    // The API answers, a worker process (npm run worker) applies: the PostgreSQL deployment.
    const api = await startBenchServer('webhooks-api', { WORKER: 'false', ...boardEnv });
    servers.push(api);
    const contractId = await connectFjordJobs(api);
    const worker = runScript('src/worker.ts', { ...api.env, WORKER_POLL_MS: '100', LOG_LEVEL: 'info' });
    await worker.waitFor(/Worker started/, 60_000);
    const apart = await ingest(api, contractId, all, worker);

    const row = (label: string, run: typeof inProcess) => [
      label,
      run.answers.perSecond.toFixed(0),
      ms(run.answers.p50),
      ms(run.answers.p99),
      ratio(run.answers.perSecond / baseline.perSecond),
      ms(run.processed),
      `${run.applied} (each once)`,
      run.statementsPerDelivery.toFixed(1),
    ];
    return {
      title: `Webhook ingestion: ${all.length.toLocaleString('en')} signed deliveries (${DELIVERIES.toLocaleString('en')} unique, 10 % sent twice), ${CONCURRENCY} at a time (PostgreSQL)`,
      header: [
        'receiver',
        'answered/s',
        'p50 answer',
        'p99 answer',
        'vs bare receiver',
        'all applied after',
        'applications',
        'SQL statements per delivery',
      ],
      rows: [
        row('ours, one process: verify, store in the inbox, answer; its worker applies', inProcess),
        row('ours, API process answers; a worker process (npm run worker) applies', apart),
        [
          'bare server: verify the signature, answer, store nothing',
          baseline.perSecond.toFixed(0),
          ms(baseline.p50),
          ms(baseline.p99),
          ratio(1),
          '—',
          '—',
          '—',
        ],
      ],
    };
  } finally {
    bare.child.kill('SIGTERM');
    await bare.exited;
    for (const server of servers) await server.stop();
    await board.close();
  }
}

// Webhook ingestion: signed Fjord Jobs application deliveries, 10 % of them sent twice, 20 at a time (after 200
// unmeasured ones to warm each receiver up), to the server with its worker on: answers per second and their latency
// against a bare server that only checks the signature, and how fast the inbox turns them into applications — every
// one exactly once. The CPU each delivery cost the load generator, the receiver's processes and PostgreSQL says what
// the answers per second are bound by: on two cores, all of them share the same two.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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
/** Deliveries each receiver takes first, unmeasured: the bare one, measured first, was otherwise measured cold. */
const WARMUP = 200;

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

/** CPU time a process has used (user and system), in milliseconds; 0 once it is gone. Linux clock ticks: 100/s. */
function cpuMsOf(pid: number | string | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time of every PostgreSQL process on the machine (its backends serve the servers measured), in ms. */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) total += cpuMsOf(pid);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** The CPU used per delivery while `work` ran: this (load-generating) process, the receiver's processes, PostgreSQL. */
async function cpuPerDelivery<T>(deliveries: number, receiverPids: (number | undefined)[], work: () => Promise<T>) {
  const receiver = () => receiverPids.reduce((sum: number, pid) => sum + cpuMsOf(pid), 0);
  const client = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const before = { client: client(), receiver: receiver(), postgres: postgresCpuMs() };
  const result = await work();
  const per = (now: number, then: number) => (now - then) / deliveries;
  const cpu = {
    client: per(client(), before.client),
    receiver: per(receiver(), before.receiver),
    postgres: per(postgresCpuMs(), before.postgres),
  };
  return { result, cpu };
}

type Cpu = Awaited<ReturnType<typeof cpuPerDelivery>>['cpu'];
const cpuText = (cpu: Cpu, database = true) =>
  `${cpu.client.toFixed(2)} / ${cpu.receiver.toFixed(2)}${database ? ` / ${cpu.postgres.toFixed(2)}` : ''}`;

/** The server's db_statements_total: SQL statements sent so far (transaction control not counted). */
async function statementsOf(server: { base: string }): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return Number(/^db_statements_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

type Delivery = { headers: Record<string, string>; body: string };

/** Waits until the server's database holds `count` applications (five minutes at most); how many it holds. */
async function applicationsReach(server: BenchServer, count: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await server.db.query<{ count: string }>('SELECT count(*) FROM application');
    const applied = Number(rows[0]!.count);
    if (applied >= count || performance.now() - started > 300_000) return applied;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Sends the warm-up deliveries and waits until they are applied; then sends every delivery to a server's Fjord Jobs
 * contract and waits until each unique one is an application: the answers, how long until all were applied, and
 * the SQL statements the server (and its worker process) sent for them.
 */
async function ingest(
  server: BenchServer,
  contractId: string,
  deliveries: { all: Delivery[]; warmup: Delivery[] },
  worker?: RunningProcess,
) {
  const url = `${server.base}/webhooks/fjord-jobs/${contractId}`;
  await send(url, deliveries.warmup);
  await applicationsReach(server, WARMUP);
  const statementsBefore = await statementsOf(server);
  const started = performance.now();
  const pids = [server.process.child.pid, worker?.child.pid];
  const { result, cpu } = await cpuPerDelivery(deliveries.all.length, pids, async () => ({
    answers: await send(url, deliveries.all),
    applied: (await applicationsReach(server, WARMUP + DELIVERIES)) - WARMUP,
  }));
  const { answers, applied } = result;
  const refused = answers.answers.filter((answer) => answer.status >= 300);
  if (refused.length > 0) throw new Error(`${refused.length} deliveries were refused (first: ${refused[0]!.status})`);
  const processed = performance.now() - started;
  let statements = (await statementsOf(server)) - statementsBefore;
  if (worker) {
    worker.child.kill('SIGTERM');
    await worker.exited;
    statements += workerStatements(worker);
  }
  if (applied !== DELIVERIES) throw new Error(`${applied} applications for ${DELIVERIES} deliveries`);
  return { answers, processed, applied, cpu, statementsPerDelivery: statements / deliveries.all.length };
}

export async function webhooksBench(): Promise<BenchResult> {
  const board = await startFjordJobsSimulator();
  const boardEnv = { BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts', BOARD_BASE_URLS: `fjord-jobs=${board.url}` };
  const port = await freePort();
  const bare = runScript('bench/bare-webhook.ts', { PORT: String(port) });
  const servers: BenchServer[] = [];
  try {
    await bare.waitFor(/Listening on/, 30_000);
    const application = (id: string) =>
      fjordDelivery(
        '123456',
        {
          type: 'application.received',
          applicationId: id,
          jobId: 'fj-unknown',
          applicant: { name: `Søker ${id}`, email: `${id}@example.no` },
        },
        { deliveryId: randomUUID() },
      );
    const unique = Array.from({ length: DELIVERIES }, (_, index) => application(`app-${index}`));
    const all = [...unique, ...unique.filter((_, index) => index % 10 === 0)].sort(() => Math.random() - 0.5);
    const deliveries = { all, warmup: Array.from({ length: WARMUP }, (_, index) => application(`warm-${index}`)) };
    await send(`http://127.0.0.1:${port}/`, deliveries.warmup);
    const { result: baseline, cpu: bareCpu } = await cpuPerDelivery(all.length, [bare.child.pid], () =>
      send(`http://127.0.0.1:${port}/`, all),
    );

    // One process: the API applies the inbox itself (the embedded default).
    const single = await startBenchServer('webhooks', { WORKER: 'true', ...boardEnv });
    servers.push(single);
    const inProcess = await ingest(single, await connectFjordJobs(single), deliveries);

    // The API answers, a worker process (npm run worker) applies: the PostgreSQL deployment.
    const api = await startBenchServer('webhooks-api', { WORKER: 'false', ...boardEnv });
    servers.push(api);
    const contractId = await connectFjordJobs(api);
    const worker = runScript('src/worker.ts', { ...api.env, WORKER_POLL_MS: '100', LOG_LEVEL: 'info' });
    await worker.waitFor(/Worker started/, 60_000);
    const apart = await ingest(api, contractId, deliveries, worker);

    const row = (label: string, run: typeof inProcess) => [
      label,
      run.answers.perSecond.toFixed(0),
      ms(run.answers.p50),
      ms(run.answers.p99),
      ratio(run.answers.perSecond / baseline.perSecond),
      ms(run.processed),
      `${run.applied} (each once)`,
      run.statementsPerDelivery.toFixed(1),
      cpuText(run.cpu),
    ];
    return {
      title: `Webhook ingestion: ${all.length.toLocaleString('en')} signed deliveries (${DELIVERIES.toLocaleString('en')} unique, 10 % sent twice), ${CONCURRENCY} at a time, each receiver warmed up first (PostgreSQL)`,
      header: [
        'receiver',
        'answered/s',
        'p50 answer',
        'p99 answer',
        'vs bare receiver',
        'all applied after',
        'applications',
        'SQL statements per delivery',
        'CPU ms per delivery: load generator / receiver / PostgreSQL',
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
          cpuText(bareCpu, false),
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

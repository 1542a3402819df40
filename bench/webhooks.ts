// Webhook ingestion: signed Fjord Jobs application deliveries, 10 % of them sent twice, 20 at a time, to the
// server with its worker on: answers per second and their latency against a bare server that only checks the
// signature, and how fast the inbox turns them into applications — every one exactly once.
import { randomUUID } from 'node:crypto';
import { fjordDelivery, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { runScript } from '../test/support/process.ts';
import { connectFjordJobs, freePort, ms, ratio, startBenchServer } from './support.ts';
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

export async function webhooksBench(): Promise<BenchResult> {
  const board = await startFjordJobsSimulator();
  const server = await startBenchServer('webhooks', {
    WORKER: 'true',
    BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
    BOARD_BASE_URLS: `fjord-jobs=${board.url}`,
  });
  const port = await freePort();
  const bare = runScript('bench/bare-webhook.ts', { PORT: String(port) });
  try {
    await bare.waitFor(/Listening on/, 30_000);
    const contractId = await connectFjordJobs(server);
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
    const statementsBefore = await statementsOf(server);
    const started = performance.now();
    const ours = await send(`${server.base}/webhooks/fjord-jobs/${contractId}`, all);
    const refused = ours.answers.filter((answer) => answer.status >= 300);
    if (refused.length > 0) throw new Error(`${refused.length} deliveries were refused (first: ${refused[0]!.status})`);
    let applied = 0;
    for (;;) {
      applied = Number((await server.db.query<{ count: string }>('SELECT count(*) FROM application')).rows[0]!.count);
      if (applied >= DELIVERIES || performance.now() - started > 300_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const processed = performance.now() - started;
    const statements = (await statementsOf(server)) - statementsBefore;
    if (applied !== DELIVERIES) throw new Error(`${applied} applications for ${DELIVERIES} deliveries`);
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
        [
          'ours: verify, store in the inbox, answer; the worker applies',
          ours.perSecond.toFixed(0),
          ms(ours.p50),
          ms(ours.p99),
          ratio(ours.perSecond / baseline.perSecond),
          ms(processed),
          `${applied} (each once)`,
          (statements / all.length).toFixed(1),
        ],
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
    await server.stop();
    await board.close();
  }
}

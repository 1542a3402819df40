// Delivery through the outbox: postings queued in PostgreSQL, delivered by 1, 2 and 4 worker processes (npm run
// worker) to a board simulator that answers after 20 ms; postings per second and the scaling against one worker,
// measured in the same run; then the same with 10 % of the board's answers failing: time to drain and duplicates.
import { startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { runScript, type RunningProcess } from '../test/support/process.ts';
import { connectFjordJobs, ms, ratio, startBenchServer, type BenchServer, workerStatements } from './support.ts';
import type { BenchResult } from './index.ts';

// 10,000 (DELIVERY_BENCH_POSTINGS=10000) takes about 7 minutes on two cores; the default keeps npm run bench under 10.
const POSTINGS = Number(process.env.DELIVERY_BENCH_POSTINGS ?? 4000);
/** `DELIVERY_BENCH_WORKERS=1`: only the runs with that many workers (no fault run), to compare two commits quickly. */
const ONLY_WORKERS = Number(process.env.DELIVERY_BENCH_WORKERS ?? 0);
const BOARD_LATENCY_MS = 20;

/** Empties the outbox and queues POSTINGS new postings of as many jobs, as publishPosting leaves them. */
async function queue(server: BenchServer, contractId: string): Promise<void> {
  await server.db.query('TRUNCATE board_outbox, posting_event, posting, job CASCADE');
  await server.db.query(
    `WITH jobs AS (
       INSERT INTO job (id, organization_id, title, description, city, country_code, status, stages, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'Fisker ' || g, '<p>Fiske på kysten.</p>', 'Bergen', 'NO', 'OPEN', ARRAY['Applied'], now(), now()
       FROM generate_series(1, $3::int) g RETURNING id
     ), postings AS (
       INSERT INTO posting (id, organization_id, job_id, contract_id, board_id, status, board_fields, created_at, updated_at)
       SELECT gen_random_uuid(), $1, jobs.id, $2, 'fjord-jobs', 'QUEUED', '{"sector": "FISHERIES", "remote": false, "municipality": "Bergen"}', now(), now()
       FROM jobs RETURNING id
     )
     INSERT INTO board_outbox (id, posting_id, operation, status, idempotency_key, updated_at)
     SELECT gen_random_uuid(), postings.id, 'PUBLISH', 'PENDING', gen_random_uuid()::text, now() FROM postings`,
    [server.organizationId, contractId, POSTINGS],
  );
  await server.db.query('ANALYZE');
}

/**
 * Starts `count` worker processes, waits until every posting is PUBLISHED, stops them; the milliseconds it took and
 * the SQL statements the workers sent (each says how many as it stops; transaction control not counted).
 */
async function drain(server: BenchServer, count: number): Promise<{ took: number; statements: number }> {
  const env = {
    ...server.env,
    BOARD_TIMEOUT_MS: '1000',
    WORKER_POLL_MS: '100',
    DELIVERY_RETRY_BASE_MS: '200',
    DELIVERY_RETRY_MAX_MS: '2000',
    LOG_LEVEL: 'info',
  };
  const workers: RunningProcess[] = [];
  let took = 0;
  try {
    for (let index = 0; index < count; index++) workers.push(runScript('src/worker.ts', env));
    await Promise.all(workers.map((worker) => worker.waitFor(/Worker started/, 60_000)));
    const started = performance.now();
    while (!took) {
      const { rows } = await server.db.query<{ published: string; failed: string }>(
        `SELECT count(*) FILTER (WHERE status = 'PUBLISHED') AS published, count(*) FILTER (WHERE status = 'FAILED') AS failed FROM posting`,
      );
      if (Number(rows[0]!.failed) > 0) throw new Error(`${rows[0]!.failed} postings FAILED`);
      if (Number(rows[0]!.published) === POSTINGS) took = performance.now() - started;
      if (performance.now() - started > 300_000)
        throw new Error(`Only ${rows[0]!.published} of ${POSTINGS} published in 5 minutes`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
  }
  const statements = workers.map(workerStatements).reduce((sum, count) => sum + count, 0);
  return { took, statements };
}

export async function deliveryBench(): Promise<BenchResult> {
  const board = await startFjordJobsSimulator();
  board.setLatency(BOARD_LATENCY_MS);
  const server = await startBenchServer('delivery', {
    BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
    BOARD_BASE_URLS: `fjord-jobs=${board.url}`,
  });
  try {
    const contractId = await connectFjordJobs(server);
    const rows: string[][] = [];
    let single = 0;
    for (const workers of ONLY_WORKERS ? [ONLY_WORKERS] : [1, 2, 4]) {
      await queue(server, contractId);
      const before = board.state.jobs.size;
      const { took, statements } = await drain(server, workers);
      const created = board.state.jobs.size - before;
      const rate = POSTINGS / (took / 1000);
      single ||= rate;
      rows.push([
        `${workers} worker process${workers > 1 ? 'es' : ''}`,
        ms(took),
        rate.toFixed(0),
        ratio(rate / single),
        (statements / POSTINGS).toFixed(1),
        String(created - POSTINGS),
      ]);
    }
    if (ONLY_WORKERS) return report(rows);
    await queue(server, contractId);
    const before = board.state.jobs.size;
    board.injectRandomly([
      { fault: { type: 'error', status: 500 }, rate: 0.05, method: 'POST' },
      { fault: { type: 'lost' }, rate: 0.05, method: 'POST' },
    ]);
    const { took, statements } = await drain(server, 2);
    board.injectRandomly([]);
    const rate = POSTINGS / (took / 1000);
    rows.push([
      '2 worker processes, 5 % errors + 5 % lost answers',
      ms(took),
      rate.toFixed(0),
      ratio(rate / single),
      (statements / POSTINGS).toFixed(1),
      String(board.state.jobs.size - before - POSTINGS),
    ]);
    return report(rows);
  } finally {
    await server.stop();
    await board.close();
  }
}

function report(rows: string[][]) {
  return {
    title: `Delivery: ${POSTINGS.toLocaleString('en')} queued postings to a board answering in ${BOARD_LATENCY_MS} ms (PostgreSQL)`,
    header: [
      'workers',
      'time to publish all',
      'postings/s',
      'vs 1 worker',
      'SQL statements per posting',
      'duplicates on the board',
    ],
    rows,
  };
}

// What every benchmark needs: a fresh PostgreSQL database, the real server in a child process with a token, and
// a table printer. Benchmarks report ratios against a baseline measured in the same run, or counts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ACCOUNTS } from '../examples/fjord-jobs/simulator.ts';
import { runScript, type RunningProcess } from '../test/support/process.ts';
import { TEST_DATABASE_URL } from '../test/support/services.ts';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface BenchServer {
  base: string;
  token: string;
  env: Record<string, string>;
  process: RunningProcess;
  /** A connection to the server's database, for seeding with SQL. */
  db: pg.Client;
  organizationId: string;
  graphql<Data = any>(query: string, variables?: Record<string, unknown>): Promise<Data>;
  stop(): Promise<void>;
}

/** Resident memory of a process, from /proc (bytes). */
export const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** A new, empty PostgreSQL database on the machine's server: its URL, and how to drop it. */
export async function freshDatabase(label: string): Promise<{ url: URL; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  const name = `mp_bench_${label.replaceAll('-', '_')}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A fresh PostgreSQL database and the server on it (worker off unless `env` says otherwise), with an admin token. */
export async function startBenchServer(label: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const { url, drop } = await freshDatabase(label);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-bench-'));
  const port = await freePort();
  const fullEnv = {
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WORKER: 'false',
    ...env,
  };
  const db = new pg.Client({ connectionString: url.toString() });
  let server: RunningProcess | undefined;
  const stop = async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await db.end().catch(() => undefined);
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const tokenCli = runScript('scripts/token-create.ts', fullEnv, ['--org', label, '--role', 'ADMIN']);
    if ((await tokenCli.exited).code !== 0) throw new Error(tokenCli.output());
    const token = tokenCli.output().trim().split('\n').pop()!;
    server = runScript('src/server.ts', { ...fullEnv, LOG_LEVEL: 'info' });
    await server.waitFor(/Listening on/, 60_000);
    await db.connect();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM organization LIMIT 1');
    const base = `http://127.0.0.1:${port}`;
    return {
      base,
      token,
      env: fullEnv,
      process: server,
      db,
      organizationId: rows[0]!.id,
      async graphql(query, variables) {
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body.data as never;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The database id inside a global id. */
export const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;

/** Connects the Fjord Jobs example board (its simulator at the server's BOARD_BASE_URLS); the contract's database id. */
export async function connectFjordJobs(server: BenchServer): Promise<string> {
  const data = await server.graphql(
    `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id status } } }`,
    {
      input: {
        environment: 'SANDBOX',
        termsAccepted: true,
        credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
      },
    },
  );
  if (data.connectFjordJobs.status !== 'ACTIVE') throw new Error('The Fjord Jobs contract is not active');
  return rawId(data.connectFjordJobs.id);
}

/** Runs `work` `runs` times after `warmup` runs; the median and the 99th percentile in milliseconds. */
export async function timeRuns(
  runs: number,
  work: () => Promise<unknown>,
  warmup = Math.min(20, runs),
): Promise<{ median: number; p99: number }> {
  for (let index = 0; index < warmup; index++) await work();
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)]!,
    p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
  };
}

/** A Markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;

/** The SQL statements a stopped worker process sent, as it says when it stops (transaction control not counted). */
export const workerStatements = (worker: RunningProcess): number =>
  Number(/"statements":(\d+)/.exec(worker.output())?.[1] ?? Number.NaN);

// Start-up on the embedded default (PGlite): the time from starting the server process (the build `npm start` runs)
// to /ready answering 200, on the first start (the database is created), on a restart with an empty database and on
// a restart with 100,000 postings (medians of alternating runs), each against a process that only opens PGlite on the
// same data directory; and on PostgreSQL. The server's resident memory at /ready is reported for each.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { spawnProcess } from '../test/support/process.ts';
import { freePort, freshDatabase, ms, ratio, rssOf } from './support.ts';
import type { BenchResult } from './index.ts';

const POSTINGS = Number(process.env.STARTUP_BENCH_POSTINGS ?? 100_000);
const RESTARTS = 3;

const run = promisify(execFile);

/** What `npm start` gives node (its flags and the built server), read from package.json: the bench starts the same. */
const START_ARGUMENTS = (() => {
  const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
  const [, ...args] = start.replace(/^exec /, '').split(' ');
  return args;
})();
const START_FLAGS = START_ARGUMENTS.filter((argument) => argument.startsWith('--'));

/**
 * The milliseconds a Node.js process takes to open PGlite on `dataDir`, run one query and exit: with node's defaults,
 * or with the flags `npm start` gives node.
 */
async function pgliteAlone(dataDir: string, flags: string[] = []): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [
    ...flags,
    '--input-type=module',
    '-e',
    `import { PGlite } from '@electric-sql/pglite';
     const db = await PGlite.create(${JSON.stringify(path.join(dataDir, 'pglite'))});
     await db.query('SELECT 1'); await db.close();`,
  ]);
  return performance.now() - started;
}

/** Starts the built server on `dataDir` (and `env`), waits for /ready, stops it; the time to ready and its RSS then. */
async function timeToReady(dataDir: string, env: Record<string, string> = {}): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const server = spawnProcess(process.execPath, START_ARGUMENTS, {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
  });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return { ms: performance.now() - started, rss: rssOf(server.child.pid!) / 1024 / 1024 };
      if (server.child.exitCode !== null) throw new Error(`The server stopped:\n${server.output()}`);
      if (performance.now() - started > 120_000) throw new Error('The server was not ready within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** RESTARTS restarts alternating with as many runs of PGlite alone: the median of each (one run is too noisy). */
async function restarts(
  dataDir: string,
): Promise<{ ready: { ms: number; rss: number }; alone: number; aloneWithFlags: number }> {
  const ready: { ms: number; rss: number }[] = [];
  const alone: number[] = [];
  const aloneWithFlags: number[] = [];
  for (let index = 0; index < RESTARTS; index++) {
    ready.push(await timeToReady(dataDir));
    alone.push(await pgliteAlone(dataDir));
    aloneWithFlags.push(await pgliteAlone(dataDir, START_FLAGS));
  }
  const median = <T>(values: T[], by: (value: T) => number) =>
    [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)]!;
  return {
    ready: median(ready, (run) => run.ms),
    alone: median(alone, (run) => run),
    aloneWithFlags: median(aloneWithFlags, (run) => run),
  };
}

/** The built server started on a new PostgreSQL database, to /ready, twice (created, then restarted). */
async function onPostgres(
  dataDir: string,
): Promise<{ first: { ms: number; rss: number }; again: { ms: number; rss: number } }> {
  const database = await freshDatabase('startup');
  try {
    const env = { DATABASE_URL: database.url.toString() };
    return { first: await timeToReady(dataDir, env), again: await timeToReady(dataDir, env) };
  } finally {
    await database.drop();
  }
}

/** Adds `count` jobs, each with a published posting, straight into the embedded database. */
async function seedPostings(dataDir: string, count: number): Promise<void> {
  const db = await openDatabase({ database: { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') } });
  try {
    await db.sql.withSession((session) =>
      session.exec(`
      WITH org AS (SELECT id FROM organization LIMIT 1),
      contract AS (
        INSERT INTO contract (id, organization_id, board_id, environment, status, updated_at)
        SELECT gen_random_uuid(), org.id, 'ingoedebanen', 'PRODUCTION', 'ACTIVE', now() FROM org RETURNING id, organization_id
      ), jobs AS (
        INSERT INTO job (id, organization_id, title, description, country_code, status, stages, created_at, updated_at)
        SELECT gen_random_uuid(), contract.organization_id, 'Medewerker ' || g, '<p>Vacature ' || g || '</p>', 'NL', 'OPEN', ARRAY['Applied'], now(), now()
        FROM contract, generate_series(1, ${count}) g RETURNING id, organization_id
      )
      INSERT INTO posting (id, organization_id, job_id, contract_id, board_id, status, board_fields, external_id, created_at, updated_at)
      SELECT gen_random_uuid(), jobs.organization_id, jobs.id, contract.id, 'ingoedebanen', 'PUBLISHED', '{}', gen_random_uuid()::text, now(), now()
      FROM jobs, contract`),
    );
  } finally {
    await db.close();
  }
}

export async function startupBench(): Promise<BenchResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-bench-startup-'));
  try {
    await run(process.execPath, ['scripts/build.mjs']);
    const first = await timeToReady(dataDir);
    const empty = await restarts(dataDir);
    await seedPostings(dataDir, POSTINGS);
    const full = await restarts(dataDir);
    const postgres = await onPostgres(path.join(dataDir, 'postgres'));
    const mb = (value: number) => `${value.toFixed(0)} MB`;
    return {
      title: 'Start-up to /ready, the built server: on the embedded database (PGlite), and on PostgreSQL',
      header: ['database', 'time to /ready', 'vs PGlite alone opening it', 'server RSS at /ready'],
      rows: [
        [
          'first start (created, migrated, demo organisation)',
          ms(first.ms),
          ratio(first.ms / empty.alone),
          mb(first.rss),
        ],
        [
          `restart, empty (median of ${RESTARTS})`,
          ms(empty.ready.ms),
          ratio(empty.ready.ms / empty.alone),
          mb(empty.ready.rss),
        ],
        [
          `restart, ${POSTINGS.toLocaleString('en')} postings (median of ${RESTARTS})`,
          ms(full.ready.ms),
          ratio(full.ready.ms / full.alone),
          mb(full.ready.rss),
        ],
        ['PGlite alone: a process that opens the data directory, one query, exits', ms(empty.alone), ratio(1), '—'],
        [
          `PGlite alone, with npm start's node flags (${START_FLAGS.join(' ')})`,
          ms(empty.aloneWithFlags),
          ratio(empty.aloneWithFlags / empty.alone),
          '—',
        ],
        ['PostgreSQL, first start (migrated)', ms(postgres.first.ms), '—', mb(postgres.first.rss)],
        ['PostgreSQL, restart', ms(postgres.again.ms), '—', mb(postgres.again.rss)],
      ],
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

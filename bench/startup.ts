// Start-up on the embedded default (PGlite): the time from starting the server process (the build `npm start` runs)
// to /ready answering 200, on the first start (the database is created), on a restart with an empty database and on
// a restart with 100,000 postings, each against a process that only opens PGlite on the same data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { spawnProcess } from '../test/support/process.ts';
import { freePort, ms, ratio } from './support.ts';
import type { BenchResult } from './index.ts';

const POSTINGS = Number(process.env.STARTUP_BENCH_POSTINGS ?? 100_000);

const run = promisify(execFile);

/** The milliseconds a Node.js process takes to open PGlite on `dataDir`, run one query and exit. */
async function pgliteAlone(dataDir: string): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [
    '--input-type=module',
    '-e',
    `import { PGlite } from '@electric-sql/pglite';
     const db = await PGlite.create(${JSON.stringify(path.join(dataDir, 'pglite'))});
     await db.query('SELECT 1'); await db.close();`,
  ]);
  return performance.now() - started;
}

/** Starts the built server on `dataDir`, waits for /ready, stops it; the milliseconds to ready. */
async function timeToReady(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const server = spawnProcess(process.execPath, ['--enable-source-maps', 'build/server.js'], {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return performance.now() - started;
      if (server.child.exitCode !== null) throw new Error(`The server stopped:\n${server.output()}`);
      if (performance.now() - started > 120_000) throw new Error('The server was not ready within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
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
    const empty = await timeToReady(dataDir);
    const alone = await pgliteAlone(dataDir);
    await seedPostings(dataDir, POSTINGS);
    const full = await timeToReady(dataDir);
    const aloneFull = await pgliteAlone(dataDir);
    return {
      title: 'Start-up to /ready on the embedded database (PGlite), the built server',
      header: ['database', 'time to /ready', 'vs PGlite alone opening it'],
      rows: [
        ['first start (created, migrated, demo organisation)', ms(first), ratio(first / alone)],
        ['restart, empty', ms(empty), ratio(empty / alone)],
        [`restart, ${POSTINGS.toLocaleString('en')} postings`, ms(full), ratio(full / aloneFull)],
        ['PGlite alone: a process that opens the data directory, one query, exits', ms(alone), ratio(1)],
      ],
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../../examples/fjord-jobs/simulator.ts';
import { connectFjord, publishOnFjord } from '../support/fjord.ts';
import { createJobId, localId } from '../support/graphql.ts';
import { runScript, type RunningProcess } from '../support/process.ts';
import {
  createTestDatabase,
  eventually,
  startTestServer,
  TEST_DB,
  type TestDatabase,
  type TestServer,
} from '../support/server.ts';
import { adminQuery } from '../support/services.ts';

// Separate worker processes share PostgreSQL; the embedded database is one process, so this is PostgreSQL only.
describe.runIf(TEST_DB === 'postgres')('worker processes', () => {
  let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
  let database: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    fjord = await startFjordJobsSimulator();
    database = await createTestDatabase();
    env = {
      ...database.env,
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
      BOARD_BASE_URLS: `fjord-jobs=${fjord.url}`,
    };
    server = await startTestServer({ database, env: { ...env, WORKER: 'false' } });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await server?.stop();
    await fjord?.close();
    await database?.drop();
  });

  test('a worker killed with SIGKILL while it holds deliveries: another finishes them, none lost, none doubled', async () => {
    const token = await server.tokenFor('workers');
    const contractId = await connectFjord(server, token, 40);
    const postingIds: string[] = [];
    for (let index = 0; index < 40; index++) {
      postingIds.push(localId(await publishOnFjord(server, token, contractId, `Welder ${index}`)));
    }

    fjord.setLatency(400);
    const workerEnv = {
      ...env,
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_MS: '100',
      DELIVERY_LEASE_MS: '2000',
      DELIVERY_RETRY_BASE_MS: '50',
      LOG_LEVEL: 'warn',
    };
    const first = runScript('src/worker.ts', workerEnv);
    workers.push(first);
    // Kill it once it has calls in flight to the board.
    await eventually(
      () => fjord.calls.filter((call) => call.method === 'POST').length >= 12,
      30_000,
      'the first worker to be delivering',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const prisma = server.app.db.prisma;
    const heldByTheDead = await prisma.boardOutbox.count({
      where: { postingId: { in: postingIds }, status: 'PROCESSING' },
    });
    expect(heldByTheDead).toBeGreaterThan(0);

    fjord.setLatency(0);
    const second = runScript('src/worker.ts', workerEnv);
    workers.push(second);
    await eventually(
      async () => (await prisma.posting.count({ where: { id: { in: postingIds }, status: 'PUBLISHED' } })) === 40,
      60_000,
      'all 40 postings published',
    );
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const deliveries = await prisma.boardOutbox.findMany({ where: { postingId: { in: postingIds } } });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(deliveries.map(() => 'DONE'));
    expect(deliveries.map((delivery) => fjord.state.createdPerKey.get(delivery.idempotencyKey))).toEqual(
      deliveries.map(() => 1),
    );
    expect(fjord.state.jobs.size).toBe(40);
    expect(await prisma.creditEntry.count({ where: { reference: { in: postingIds }, kind: 'CONSUME' } })).toBe(40);
    console.log(
      `worker kill: ${heldByTheDead} deliveries held by the killed worker, ${fjord.calls.filter((call) => call.method === 'POST').length} calls, 40 created`,
    );
  }, 180_000);

  test('connections dropped by PostgreSQL mid-run: the worker recovers by itself and delivers everything once', async () => {
    const token = await server.tokenFor('drops');
    const contractId = await connectFjord(server, token);
    const createdBefore = fjord.state.jobs.size;
    const worker = runScript('src/worker.ts', {
      ...env,
      WORKER_CONCURRENCY: '4',
      WORKER_POLL_MS: '100',
      DELIVERY_LEASE_MS: '3000',
      DELIVERY_RETRY_BASE_MS: '50',
      LOG_LEVEL: 'error',
    });
    workers.push(worker);
    fjord.setLatency(100);
    const postingIds: string[] = [];
    for (let index = 0; index < 30; index++) {
      postingIds.push(localId(await publishOnFjord(server, token, contractId, `Diver ${index}`)));
      // Cut every connection of the database but our own, twice during the run.
      if (index === 10 || index === 20) {
        await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${new URL(database.env.DATABASE_URL!).pathname.slice(1)}' AND pid <> pg_backend_pid()`,
        );
        // This test is about the worker: the API may fail a request that picked a dropped connection before its pool
        // noticed, so the loop goes on once the API answers again.
        await eventually(
          async () => !(await server.graphql('{ viewer { role } }', { token })).body.errors,
          10_000,
          'the API to answer again',
        );
      }
    }
    const prisma = server.app.db.prisma;
    await eventually(
      async () =>
        (await prisma.posting.count({ where: { id: { in: postingIds }, status: 'PUBLISHED' } }).catch(() => 0)) === 30,
      60_000,
      'all 30 postings published',
    );
    fjord.setLatency(0);
    const deliveries = await prisma.boardOutbox.findMany({ where: { postingId: { in: postingIds } } });
    expect(deliveries.map((delivery) => fjord.state.createdPerKey.get(delivery.idempotencyKey))).toEqual(
      deliveries.map(() => 1),
    );
    expect(fjord.state.jobs.size - createdBefore).toBe(30);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 180_000);
  test('a posting scheduled ahead goes live at its time though the worker running when it was scheduled was killed, and closes at its closing time', async () => {
    const token = await server.tokenFor('schedules');
    const contractId = await connectFjord(server, token);
    const jobId = await createJobId((query, variables) => server.data(query, variables, token), {
      title: 'Harbour pilot',
      description: '<p>Bring ships in.</p>',
      location: { city: 'Bergen', countryCode: 'NO' },
    });
    const publishAt = new Date(Date.now() + 6000);
    const closeAt = new Date(Date.now() + 12_000);
    const { publishPosting } = await server.data(
      'mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id status } ... on Error { message } } }',
      { input: { jobId, contractId, boardFields: { sector: 'FISHERIES' }, publishAt, closeAt } },
      token,
    );
    expect(publishPosting.__typename, JSON.stringify(publishPosting)).toBe('Posting');
    const postingId = localId(publishPosting.id);
    const createdBefore = fjord.state.jobs.size;
    const workerEnv = { ...env, WORKER_POLL_MS: '100', DELIVERY_LEASE_MS: '2000', LOG_LEVEL: 'info' };
    const first = runScript('src/worker.ts', workerEnv);
    workers.push(first);
    await first.waitFor(/Worker started/);
    first.child.kill('SIGKILL');
    await first.exited;
    const prisma = server.app.db.prisma;
    const status = async () => (await prisma.posting.findUniqueOrThrow({ where: { id: postingId } })).status;
    // Killed before the time came: nothing reached the board.
    if (Date.now() < publishAt.getTime()) expect(await status()).toBe('QUEUED');

    const second = runScript('src/worker.ts', workerEnv);
    workers.push(second);
    await eventually(async () => (await status()) === 'PUBLISHED', 60_000, 'the scheduled posting to go live');
    const published = await prisma.postingEvent.findFirstOrThrow({ where: { postingId, toStatus: 'PUBLISHED' } });
    expect(published.createdAt.getTime()).toBeGreaterThanOrEqual(publishAt.getTime());
    await eventually(async () => (await status()) === 'WITHDRAWN', 60_000, 'the posting to close at its time');
    const withdrawn = await prisma.postingEvent.findFirstOrThrow({ where: { postingId, toStatus: 'WITHDRAWN' } });
    expect(withdrawn.createdAt.getTime()).toBeGreaterThanOrEqual(closeAt.getTime());
    expect(fjord.state.jobs.size - createdBefore).toBe(1);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);
});

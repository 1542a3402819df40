import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../../examples/fjord-jobs/simulator.ts';
import { startPrivatePostgres, startPrivateRedis } from '../support/private-services.ts';
import { eventually, startTestServer, subscribe, TEST_DB, type TestServer } from '../support/server.ts';
import { connectFjord } from '../support/fjord.ts';

/** Services failing under the API: Redis killed and started again, PostgreSQL restarted under load. */

type Fjord = Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let fjord: Fjord;
const FJORD = {
  BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
  WORKER_POLL_MS: '50',
  DELIVERY_RETRY_BASE_MS: '50',
  DELIVERY_RETRY_MAX_MS: '500',
  DELIVERY_MAX_ATTEMPTS: '40',
};

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
});
afterAll(async () => {
  await fjord?.close();
});

const gql = (server: TestServer, token: string, query: string, variables?: Record<string, unknown>) =>
  server.data(query, variables, token);

const fjordContract = (server: TestServer, token: string, credits = 1000) => connectFjord(server, token, credits);

const PUBLISH = `mutation ($title: String!, $contractId: ID!) {
  createJob(input: { title: $title, description: "<p>Work at sea.</p>", location: { city: "Bergen", countryCode: "NO" } }) { ... on Job { id } }
}`;

async function publishNew(server: TestServer, token: string, contractId: string, title: string): Promise<string> {
  const job = (await gql(server, token, PUBLISH.replace(', $contractId: ID!', ''), { title })).createJob.id;
  const posting = await gql(
    server,
    token,
    `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id } } }`,
    {
      input: { jobId: job, contractId, boardFields: { sector: 'FISHERIES' } },
    },
  );
  expect(posting.publishPosting.__typename).toBe('Posting');
  return posting.publishPosting.id;
}

const statusOf = async (server: TestServer, token: string, id: string) =>
  (await gql(server, token, `query ($id: ID!) { posting(id: $id) { status } }`, { id })).posting.status as string;

describe('Redis killed and started again', () => {
  test('subscriptions pause with a clear log line and come back; mutations, queries and deliveries go on', async () => {
    const redis = await startPrivateRedis();
    const server = await startTestServer({
      env: { ...FJORD, BOARD_BASE_URLS: `fjord-jobs=${fjord.url}`, REDIS_URL: redis.url },
    });
    try {
      const token = await server.tokenFor('redis-faults');
      const contractId = await fjordContract(server, token);
      const live = subscribe(
        server.wsClient({ authorization: `Bearer ${token}` }),
        'subscription { postingStatusChanged { to posting { id } } }',
      );
      await live.ready;
      const heard = (id: string) =>
        live.received.some(
          (event) =>
            event.data?.postingStatusChanged.posting.id === id && event.data.postingStatusChanged.to === 'PUBLISHED',
        );

      const before = await publishNew(server, token, contractId, 'Before');
      await live.waitUntil(() => heard(before), 15_000, 'the first posting heard live');

      await redis.stop();
      const during = await publishNew(server, token, contractId, 'During');
      await eventually(
        async () => (await statusOf(server, token, during)) === 'PUBLISHED',
        20_000,
        'a posting published while Redis is down',
      );
      expect((await gql(server, token, '{ viewer { role } }')).viewer.role).toBe('ADMIN');
      await eventually(
        () => server.logs.some((line) => /Redis/.test(line) && /"level":(40|50)/.test(line)),
        10_000,
        'a warning about Redis',
      );

      await redis.start();
      // The subscription outlived the outage: events flow again once the bus has reconnected.
      await eventually(
        async () => {
          const after = await publishNew(server, token, contractId, `After ${Date.now()}`);
          try {
            await live.waitUntil(() => heard(after), 5_000, 'a posting heard live after Redis came back');
            return true;
          } catch {
            return false;
          }
        },
        45_000,
        'events heard again after Redis came back',
      );
      expect(live.failure).toBeUndefined();
      expect(live.done).toBe(false);
    } finally {
      await server.stop();
      await redis.close();
    }
  }, 120_000);
});

// A cluster of its own to restart; PGlite has no server to restart.
describe.runIf(TEST_DB === 'postgres')('PostgreSQL restarted under load', () => {
  test('requests during the restart fail cleanly, everything accepted is delivered once, and the server recovers by itself', async () => {
    const postgres = await startPrivatePostgres();
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE api');
    await admin.end();
    const server = await startTestServer({
      database: {
        env: { DATABASE_URL: postgres.url('api'), DATA_DIR: `/tmp/mp-restart-${randomBytes(4).toString('hex')}` },
        drop: async () => undefined,
      },
      env: {
        ...FJORD,
        DELIVERY_LEASE_MS: '3000',
        BOARD_BASE_URLS: `fjord-jobs=${fjord.url}`,
        ENCRYPTION_KEYS: `k:${randomBytes(32).toString('base64')}`,
      },
    });
    try {
      const token = await server.tokenFor('pg-restart');
      const contractId = await fjordContract(server, token);
      const createdBefore = fjord.state.jobs.size;
      const outcomes: { title: string; status: number; typename?: string; message?: string }[] = [];
      let running = true;
      const load = (async () => {
        for (let index = 0; running; index += 1) {
          const title = `Load ${index}`;
          const batch = Array.from({ length: 5 }, (_, offset) => `${title}.${offset}`);
          await Promise.all(
            batch.map(async (name) => {
              const job = await server
                .graphql(PUBLISH.replace(', $contractId: ID!', ''), { token, variables: { title: name } })
                .catch(() => undefined);
              const jobId = job?.body.data?.createJob?.id;
              if (!jobId) {
                outcomes.push({ title: name, status: job?.status ?? 0, message: job?.body.errors?.[0]?.message });
                return;
              }
              const posting = await server
                .graphql(`mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }`, {
                  token,
                  variables: { input: { jobId, contractId, boardFields: { sector: 'FISHERIES' } } },
                })
                .catch(() => undefined);
              outcomes.push({
                title: name,
                status: posting?.status ?? 0,
                typename: posting?.body.data?.publishPosting?.__typename,
                message: posting?.body.errors?.[0]?.message,
              });
            }),
          );
        }
      })();
      await eventually(
        () => outcomes.filter((outcome) => outcome.typename === 'Posting').length >= 20,
        30_000,
        'load before the restart',
      );
      const restartAt = Date.now();
      await postgres.restart();
      console.log(`restart took ${Date.now() - restartAt} ms`);
      const atRestart = outcomes.length;
      await eventually(
        () => outcomes.slice(atRestart).filter((outcome) => outcome.typename === 'Posting').length >= 20,
        60_000,
        'load accepted again after the restart',
      );
      console.log(`accepted again ${Date.now() - restartAt} ms after the restart began`);
      running = false;
      await load;

      const failed = outcomes.filter((outcome) => outcome.typename !== 'Posting');
      // Each failure says the database is unavailable (503, SERVICE_UNAVAILABLE): never a stack, SQL or an unexpected error.
      expect(failed.length).toBeGreaterThan(0);
      for (const outcome of failed)
        expect({ status: outcome.status, message: outcome.message }, outcome.title).toEqual({
          status: 503,
          message: 'The database is unavailable; try again shortly.',
        });
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);

      // Everything the database holds is delivered exactly once; nothing half-done was left by a failed request.
      const prisma = server.app.db.prisma;
      await eventually(
        async () => (await prisma.posting.count({ where: { status: { not: 'PUBLISHED' } } })) === 0,
        60_000,
        'every stored posting published',
      );
      const postings = await prisma.posting.findMany({
        select: { externalId: true, job: { select: { title: true } } },
      });
      const deliveries = await prisma.boardOutbox.findMany({ select: { idempotencyKey: true, status: true } });
      expect(deliveries.every((delivery) => delivery.status === 'DONE')).toBe(true);
      expect(deliveries.map((delivery) => fjord.state.createdPerKey.get(delivery.idempotencyKey))).toEqual(
        deliveries.map(() => 1),
      );
      expect(fjord.state.jobs.size - createdBefore).toBe(postings.length);
      const accepted = outcomes.filter((outcome) => outcome.typename === 'Posting').map((outcome) => outcome.title);
      expect(postings.map((posting) => posting.job.title)).toEqual(expect.arrayContaining(accepted));
      console.log(
        `postgres restart: ${outcomes.length} publish attempts, ${accepted.length} accepted, ${failed.length} refused during the restart, ${postings.length} published once each`,
      );
    } finally {
      await server.stop();
      await postgres.close();
    }
  }, 150_000);
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../../examples/fjord-jobs/simulator.ts';
import { eventually, startTestServer, TEST_DB, type TestServer, stopAll } from '../support/server.ts';
import { createJobId, graphqlAs, localId } from '../support/graphql.ts';
import { connectFjord as connectFjordContract, FAST_RETRIES, fjordEnv } from '../support/fjord.ts';

/** A board that fails in every way a remote API can, while postings are published through it. */

/** Postings published through the failing board (in batches of 20). */
const COUNT = 120;

let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let server: TestServer;
let token: string;

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({
    env: fjordEnv(fjord.url, FAST_RETRIES),
  });
  token = await server.tokenFor('board-faults');
});
afterAll(() => stopAll(server, fjord));

const gql = graphqlAs(
  () => server,
  () => token,
);

const connectFjord = (credits: number) => connectFjordContract(server, token, credits);

const createJob = async ({ title }: { title: string }) => ({
  id: await createJobId(gql, { title, location: { city: 'Bergen', countryCode: 'NO' }, employmentType: 'FULL_TIME' }),
});

const publish = async (jobId: string, contractId: string) =>
  (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id } } }`,
      {
        input: { jobId, contractId, boardFields: { sector: 'FISHERIES' } },
      },
    )
  ).publishPosting as { id: string; __typename: string };

// On PostgreSQL: PGlite serves one connection, so there this run measured its speed more than the retries (the
// delivery paths on PGlite are covered by the postings and posting-lifecycle suites).
describe.runIf(TEST_DB === 'postgres')('a failing board', () => {
  test(`${COUNT} postings through errors, lost answers, rate limits, hung calls, reset connections and garbage answers: all published, each created once`, async () => {
    const contractId = await connectFjord(COUNT);
    const jobs: { id: string }[] = [];
    for (let batch = 0; batch < COUNT / 20; batch++) {
      jobs.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, index) => createJob({ title: `Fisher ${batch * 20 + index}` })),
        )),
      );
    }
    const createdBefore = fjord.state.jobs.size;
    fjord.injectRandomly([
      { fault: { type: 'error', status: 500 }, rate: 0.2, method: 'POST' },
      { fault: { type: 'lost' }, rate: 0.1, method: 'POST' },
      { fault: { type: 'rateLimit', retryAfterSeconds: 1 }, rate: 0.05, method: 'POST' },
      { fault: { type: 'hang' }, rate: 0.05, method: 'POST' },
      { fault: { type: 'reset' }, rate: 0.05, method: 'POST' },
      { fault: { type: 'garbage' }, rate: 0.05, method: 'POST' },
    ]);
    try {
      const postings: { id: string; __typename: string }[] = [];
      for (let batch = 0; batch < COUNT / 20; batch++) {
        postings.push(
          ...(await Promise.all(jobs.slice(batch * 20, batch * 20 + 20).map((job) => publish(job.id, contractId)))),
        );
      }
      expect(postings.every((posting) => posting.__typename === 'Posting')).toBe(true);
      const prisma = server.app.db.prisma;
      const ids = postings.map((posting) => localId(posting.id));
      await eventually(
        async () => (await prisma.posting.count({ where: { id: { in: ids }, status: 'PUBLISHED' } })) === COUNT,
        90_000,
        'every posting published',
      );

      const deliveries = await prisma.boardOutbox.findMany({ where: { postingId: { in: ids } } });
      const keys = deliveries.map((delivery) => delivery.idempotencyKey);
      expect(deliveries.every((delivery) => delivery.status === 'DONE')).toBe(true);
      expect(keys.map((key) => fjord.state.createdPerKey.get(key))).toEqual(keys.map(() => 1));
      expect(fjord.state.jobs.size - createdBefore).toBe(COUNT);
      const externalIds = await prisma.posting.findMany({ where: { id: { in: ids } }, select: { externalId: true } });
      expect(new Set(externalIds.map((posting) => posting.externalId)).size).toBe(COUNT);
      expect(
        (await gql('query ($id: ID!) { contract(id: $id) { credits { total used remaining } } }', { id: contractId }))
          .contract.credits,
      ).toEqual({ total: COUNT, used: COUNT, remaining: 0 });

      const attempts = deliveries.reduce((sum, delivery) => sum + delivery.attempts, 0);
      const faulty = fjord.calls.filter((call) => call.method === 'POST' && call.fault);
      const byType = new Map<string, number>();
      for (const call of faulty) byType.set(call.fault!, (byType.get(call.fault!) ?? 0) + 1);
      const faults = `${faulty.length} (${[...byType].map(([type, count]) => `${count} ${type}`).join(', ')})`;
      expect([...byType.keys()].sort()).toEqual(['error', 'garbage', 'hang', 'lost', 'rateLimit', 'reset']);
      const calls = fjord.calls.filter((call) => call.method === 'POST').length;
      console.log(
        `reliability: ${COUNT} postings, ${attempts} delivery attempts, ${calls} calls to the board, ${faults} injected faults, ${fjord.state.jobs.size - createdBefore} created`,
      );
      expect(attempts).toBeGreaterThan(COUNT);
    } finally {
      fjord.injectRandomly([]);
    }
    // Retries with backoff and Retry-After take their time on a loaded machine; the wait above is the real bound.
  }, 150_000);
});

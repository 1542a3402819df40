import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startTopcvSimulator,
  topcvDelivery,
  TOPCV_EMPLOYERS,
  type TopcvWebhookBody,
  vietnamTime,
} from '../../src/plugins/topcv/simulator.ts';
import { sendWebhook, type SendOutcome, type SignedDelivery } from '@multiposting/plugin-sdk/simulator';
import { runScript, type RunningProcess } from '../support/process.ts';
import { createTestDatabase, eventually, graphqlData, startTestServer, type TestDatabase } from '../support/server.ts';

const [topcvKey, topcvEmployer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
const SECRET = topcvEmployer.secretKey;
const BASE_TIME = Date.UTC(2026, 0, 1);
const TITLES = ['Nhân viên bán hàng', 'Kế toán viên', 'Lập trình viên Java', 'Tài xế', 'Điều dưỡng'];

let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
beforeAll(async () => {
  topcv = await startTopcvSimulator();
});
afterAll(() => topcv?.close());

type Query = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>;

/** The GraphQL client of a server that may run in another process (its URL read at each call). */
const graphqlAt =
  (url: () => string, token: string): Query =>
  (query, variables) =>
    graphqlData(url(), query, variables, token);

/** A TopCV contract and one open job per title; returns the contract's webhook URL and the job ids by title. */
async function setUp(gql: Query): Promise<{ webhookUrl: string; jobs: Map<string, string> }> {
  const { connectTopcv } = await gql(
    `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { webhookUrl } } }`,
    { input: { environment: 'PRODUCTION', credentials: { employerApiKey: topcvKey, secretKey: SECRET } } },
  );
  const jobs = new Map<string, string>();
  for (const title of TITLES) {
    const { createJob } = await gql(
      `mutation ($title: String!) { createJob(input: { title: $title, description: "<p>Việc làm.</p>" }) { ... on Job { id } } }`,
      { title },
    );
    jobs.set(title, createJob.id);
  }
  return { webhookUrl: connectTopcv.webhookUrl, jobs };
}

/** Every application of the job, through the API, page by page. */
async function applicationsOf(
  gql: Query,
  jobId: string,
): Promise<{ boardApplicationId: string; stage: string; email: string; index: number }[]> {
  const all: { boardApplicationId: string; stage: string; email: string; index: number }[] = [];
  let after: string | null = null;
  for (;;) {
    const data = await gql(
      `query ($id: ID!, $after: String) { job(id: $id) { applications(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { boardApplicationId stage appliedAt candidate { email } } } } } }`,
      { id: jobId, after },
    );
    const page = data.job.applications;
    all.push(
      ...page.edges.map((edge: any) => ({
        boardApplicationId: edge.node.boardApplicationId,
        stage: edge.node.stage,
        email: edge.node.candidate.email,
        index: (new Date(edge.node.appliedAt).getTime() - BASE_TIME) / 1000,
      })),
    );
    if (!page.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
}

function applicationBody(index: number, email: string): TopcvWebhookBody {
  return {
    job_title: TITLES[index % TITLES.length]!,
    // TopCV's applications carry no id: the time tells them apart (and gives the test its index back).
    apply_at: vietnamTime(new Date(BASE_TIME + index * 1000)),
    candidate_name: `Ứng viên ${index}`,
    candidate_email: email,
    candidate_phone: `+84 90 ${String(index).padStart(7, '0')}`,
  };
}

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}

describe('the webhook inbox under load', () => {
  test('1,000 concurrent deliveries with 10 % duplicates, 2 % forged, 2 % replayed: every valid one applied exactly once', async () => {
    const server = await startTestServer({
      env: {
        BOARD_BASE_URLS: `topcv=${topcv.url}`,
        WORKER_POLL_MS: '100',
        WORKER_CONCURRENCY: '16',
        LOG_LEVEL: 'warn',
      },
    });
    try {
      const gql = graphqlAt(() => server.url, await server.tokenFor('load'));
      const { webhookUrl, jobs } = await setUp(gql);
      // 860 distinct applications from 431 people: nobody applies twice to the same job (431 and 5 are coprime).
      const valid = Array.from({ length: 860 }, (_, index) =>
        topcvDelivery(SECRET, applicationBody(index, `person${index % 431}@example.vn`)),
      );
      const duplicates = Array.from({ length: 100 }, (_, index) => valid[(index * 7) % valid.length]!);
      const forged = Array.from({ length: 20 }, (_, index) =>
        topcvDelivery('a-guessed-secret', applicationBody(10_000 + index, `forger${index}@example.vn`)),
      );
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      const replays = Array.from({ length: 20 }, (_, index) =>
        topcvDelivery(SECRET, applicationBody(index * 3, `person${(index * 3) % 431}@example.vn`), {
          timestamp: hourAgo,
        }),
      );
      const sends: { delivery: SignedDelivery; kind: string }[] = shuffle([
        ...valid.map((delivery) => ({ delivery, kind: 'valid' })),
        ...duplicates.map((delivery) => ({ delivery, kind: 'duplicate' })),
        ...forged.map((delivery) => ({ delivery, kind: 'forged' })),
        ...replays.map((delivery) => ({ delivery, kind: 'replay' })),
      ]);
      expect(sends).toHaveLength(1000);

      const started = Date.now();
      // Like a board, a sender whose request timed out tries again (the first copy may have been stored already),
      // for as long as a busy machine may need: boards retry for hours.
      const outcomes = await pool(
        sends.map(
          ({ delivery }) =>
            () =>
              sendWebhook(webhookUrl, delivery, { attempts: 10, retryDelayMs: 1000, timeoutMs: 15_000 }),
        ),
        50,
      );
      const answeredMs = Date.now() - started;
      const statuses = (kind: string) =>
        outcomes.filter((_, index) => sends[index]!.kind === kind).map((outcome: SendOutcome) => outcome.status);
      const retried = outcomes.filter((outcome) => outcome.attempts > 1).length;
      // Each distinct delivery is accepted once (202); a copy that came second is answered as a duplicate (200).
      const stored = [...statuses('valid'), ...statuses('duplicate')];
      expect(stored.filter((status) => status !== 200 && status !== 202)).toEqual([]);
      expect(stored.filter((status) => status === 202).length).toBeLessThanOrEqual(860);
      expect(stored.filter((status) => status === 202).length).toBeGreaterThanOrEqual(860 - retried);
      expect(statuses('forged')).toEqual(Array(20).fill(401));
      expect(statuses('replay')).toEqual(Array(20).fill(401));

      const prisma = server.app.db.prisma;
      await eventually(
        async () => (await prisma.webhookInbox.count({ where: { status: 'DONE' } })) === 860,
        120_000,
        'the inbox to be applied',
      );
      const appliedMs = Date.now() - started;
      expect(await prisma.webhookInbox.count()).toBe(860);

      const seen = new Map<string, string>();
      for (const [title, jobId] of jobs) {
        const applications = await applicationsOf(gql, jobId);
        expect(applications).toHaveLength(172);
        for (const application of applications) {
          const { index } = application;
          expect(TITLES[index % TITLES.length]).toBe(title);
          expect(application.email).toBe(`person${index % 431}@example.vn`);
          expect(application.stage).toBe('Applied');
          expect(seen.has(application.boardApplicationId)).toBe(false);
          seen.set(application.boardApplicationId, application.email);
        }
      }
      expect(seen.size).toBe(860);
      expect(new Set(seen.values()).size).toBe(431);
      const { candidates } = await gql(
        `{ candidates(first: 1, filter: { search: "forger" }) { edges { node { id } } } }`,
      );
      expect(candidates.edges).toEqual([]);
      console.info(
        `1,000 webhook deliveries: all answered in ${answeredMs} ms (${retried} sent again after a timeout), all applied in ${appliedMs} ms`,
      );
    } finally {
      await server.stop();
    }
  }, 420_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the webhook inbox across a crash', () => {
  let database: TestDatabase;
  const processes: RunningProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const running of processes) running.child.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await database?.drop();
  });

  test('the server killed with SIGKILL mid-run: after a restart, every delivery the board retried is applied once', async () => {
    const port = await freePort();
    const env = {
      ...database.env,
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_ORGANIZATION: 'false',
      BOARD_BASE_URLS: `topcv=${topcv.url}`,
      WORKER_POLL_MS: '100',
      DELIVERY_LEASE_MS: '3000',
    };
    const tokenCli = runScript('scripts/token-create.ts', env, ['--org', 'crash', '--role', 'ADMIN']);
    expect((await tokenCli.exited).code).toBe(0);
    const token = tokenCli.output().trim().split('\n').pop()!;
    const start = async (extra: Record<string, string> = {}) => {
      const running = runScript('src/server.ts', { ...env, ...extra });
      processes.push(running);
      await running.waitFor(/Listening on/, 60_000);
      return running;
    };
    // The first server only takes deliveries in: what it accepted before the crash can only be applied from the inbox.
    const first = await start({ WORKER: 'false' });
    const url = `http://127.0.0.1:${port}`;
    const gql = graphqlAt(() => url, token);
    const { webhookUrl, jobs } = await setUp(gql);

    const deliveries = Array.from({ length: 300 }, (_, index) =>
      topcvDelivery(SECRET, applicationBody(index, `crash${index}@example.vn`)),
    );
    let accepted = 0;
    // The board retries every 250 ms for up to a minute, as boards do when a receiver is down.
    const sending = pool(
      deliveries.map((delivery) => async () => {
        const outcome = await sendWebhook(webhookUrl, delivery, { attempts: 240, retryDelayMs: 250, timeoutMs: 5000 });
        if (outcome.status === 202) accepted += 1;
        return outcome;
      }),
      20,
    );
    await eventually(() => accepted >= 100, 60_000, '100 deliveries to be accepted');
    first.child.kill('SIGKILL');
    await first.exited;
    const acceptedBeforeCrash = accepted;
    await start();
    const outcomes = await sending;

    expect(outcomes.every((outcome) => outcome.status === 202 || outcome.status === 200)).toBe(true);
    expect(outcomes.some((outcome) => outcome.attempts > 1)).toBe(true);
    let applied: { boardApplicationId: string }[] = [];
    await eventually(
      async () => {
        applied = (await Promise.all([...jobs.values()].map((jobId) => applicationsOf(gql, jobId)))).flat();
        return applied.length >= 300;
      },
      60_000,
      'every delivery to be applied',
    );
    expect(new Set(applied.map((application) => application.boardApplicationId)).size).toBe(300);
    expect(applied).toHaveLength(300);
    console.info(
      `crash run: ${acceptedBeforeCrash} accepted before SIGKILL, ${outcomes.filter((outcome) => outcome.attempts > 1).length} deliveries retried by the board`,
    );
  }, 240_000);
});

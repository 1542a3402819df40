import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IGB_ACCOUNT } from '../src/plugins/ingoedebanen/simulator.ts';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../src/plugins/le-forem/simulator.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createJobId, graphqlAs } from './support/graphql.ts';

// The read path must cost the same number of SQL statements whatever the page size: no query per row anywhere in
// the main queries. Contract A has 10 postings, contract B 100, each posting 5 applications.
let server: TestServer;
let leForem: Awaited<ReturnType<typeof startLeForemSimulator>>;
let token: string;
const contracts: Record<'small' | 'large', string> = { small: '', large: '' };

const gql = graphqlAs(
  () => server,
  () => token,
);

/** SQL statements the server sent while `work` ran (the worker is off, so nothing else runs). */
async function statementsDuring(work: () => Promise<unknown>): Promise<number> {
  const read = async () =>
    Number(/^db_statements_total (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
  const before = await read();
  await work();
  return (await read()) - before;
}

async function inChunks<T>(items: T[], size: number, run: (item: T) => Promise<unknown>) {
  for (let index = 0; index < items.length; index += size) await Promise.all(items.slice(index, index + size).map(run));
}

beforeAll(async () => {
  // Every request reads its token (no viewer cache), so each count is the whole request's.
  leForem = await startLeForemSimulator({ environment: 'ACCEPTANCE' });
  server = await startTestServer({
    env: { WORKER: 'false', AUTH_CACHE_TTL_MS: '0', BOARD_BASE_URLS: `le-forem:ACCEPTANCE=${leForem.url}` },
  });
  token = await server.tokenFor('reader');
  for (const [size, alias] of [
    ['small', 'Small'],
    ['large', 'Large'],
  ] as const) {
    const data = await gql(
      `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { ... on Contract { id } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          alias,
          credentials: { ...IGB_ACCOUNT, publicationMode: 'DEDICATED_MEDIUM' },
        },
      },
    );
    contracts[size] = data.connectIngoedebanen.id;
  }
  const jobs: string[] = [];
  await inChunks(
    Array.from({ length: 100 }, (_, index) => index),
    10,
    async (index) => {
      jobs[index] = await createJobId(gql, {
        title: `Verpleegkundige ${index}`,
        description: '<p>Zorg op de afdeling.</p>',
        location: { city: 'Utrecht', countryCode: 'NL' },
      });
    },
  );
  const publish = (contractId: string) => async (jobId: string) =>
    gql(`mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }`, {
      input: { jobId, contractId, boardFields: {} },
    });
  await inChunks(jobs.slice(0, 10), 10, publish(contracts.small));
  await inChunks(jobs, 10, publish(contracts.large));

  // Applications as the worker would have stored them from the boards' webhooks.
  const prisma = server.app.db.prisma;
  const postings = await prisma.posting.findMany({
    select: { id: true, jobId: true, contractId: true, organizationId: true, boardId: true },
  });
  const candidates = postings.flatMap((posting, p) =>
    Array.from({ length: 5 }, (_, a) => ({
      id: crypto.randomUUID(),
      organizationId: posting.organizationId,
      name: `Kandidaat ${p}-${a}`,
      email: `k${p}-${a}@example.org`,
      posting,
    })),
  );
  await prisma.candidate.createMany({ data: candidates.map(({ posting: _posting, ...candidate }) => candidate) });
  await prisma.application.createMany({
    data: candidates.map((candidate, index) => ({
      organizationId: candidate.organizationId,
      candidateId: candidate.id,
      jobId: candidate.posting.jobId,
      postingId: candidate.posting.id,
      contractId: candidate.posting.contractId,
      boardId: candidate.posting.boardId,
      status: 'ACTIVE' as const,
      stage: 'Applied',
      boardApplicationId: `app-${index}`,
      appliedAt: new Date(),
    })),
  });
});
afterAll(async () => {
  await server?.stop();
  await leForem?.close();
});

const PAGES: Record<string, string> = {
  'contracts → postings → applications → candidate': `query ($id: ID!, $first: Int!) { contract(id: $id) { id alias status board { id name } credits { used remaining }
    postings(first: $first) { edges { node { id status externalUrl job { id title } contract { id alias }
      applications(first: 5) { edges { node { id stage candidate { id name email } } } } } } } } }`,
  'contracts list with their postings': `query ($first: Int!) { contracts(first: 10) { edges { node { id alias credits { used } nextAction { code }
    postings(first: $first) { edges { node { id status job { title } events { type } nextAction { code } } } } } } } }`,
  'postings with job, contract and applications': `query ($first: Int!) { postings(first: $first) { edges { node { id status job { id title stages } contract { id board { name } }
    applications(first: 5) { edges { node { id job { id } candidate { id name applications(first: 3) { edges { node { id } } } } } } } } } } }`,
  'jobs with postings and applications': `query ($first: Int!) { jobs(first: $first) { edges { node { id title recruiter { id name }
    postings(first: 5) { edges { node { id status contract { alias } } } } applications(first: 5) { edges { node { id candidate { name } } } } } } } }`,
  'analytics per posting, contract and board': `query ($first: Int!) { analytics(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") {
    ... on Analytics { byPosting(first: $first) { posting { id status job { title } } board { name } applications cost { amount } }
      byContract { contract { id alias } creditsSpent } byBoard { boardId applications } } } }`,
  'candidates with applications': `query ($first: Int!) { candidates(first: $first) { edges { node { id name cv { fileName }
    applications(first: 5) { edges { node { id stage job { title } posting { id status } } } } } } } }`,
};

describe('SQL statements per request do not grow with the page size', () => {
  test.each(Object.entries(PAGES))('%s', async (_name, query) => {
    const variables = (first: number, contract: 'small' | 'large') => ({
      first,
      ...(query.includes('$id') ? { id: contracts[contract] } : {}),
    });
    // Warm up (caches, prepared plans), then count a small page and a page ten times larger.
    await gql(query, variables(10, 'small'));
    const small = await statementsDuring(() => gql(query, variables(10, 'small')));
    const large = await statementsDuring(() => gql(query, variables(100, 'large')));
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(15);
  });
});

describe('contracts whose board opens production after a first approval (Le Forem)', () => {
  test('their next actions cost one query for the whole page', async () => {
    const page = '{ contracts(first: 20) { edges { node { nextAction { code } } } } }';
    const connect = async (partnerCode: string) =>
      (
        await gql(`mutation ($input: ConnectLeForemInput!) { connectLeForem(input: $input) { __typename } }`, {
          input: {
            environment: 'ACCEPTANCE',
            confidentialityAgreementSigned: true,
            credentials: { partnerCode, apiKey: LE_FOREM_PARTNERS[partnerCode] },
          },
        })
      ).connectLeForem.__typename;
    const waiting = async () =>
      (await gql(page)).contracts.edges.filter(
        ({ node }: { node: { nextAction: { code: string } } }) => node.nextAction.code === 'PASS_ACCEPTANCE',
      ).length;
    expect(await connect('ACME01')).toBe('Contract');
    expect(await waiting()).toBe(1);
    const one = await statementsDuring(() => gql(page));
    expect(await connect('GLOBEX2')).toBe('Contract');
    expect(await waiting()).toBe(2);
    expect(await statementsDuring(() => gql(page))).toBe(one);
  });
});

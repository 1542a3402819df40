import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { fjordEnv } from './support/fjord.ts';
import { graphqlAs, localId } from './support/graphql.ts';
import { activeContract, eventually, startTestServer, stopAll, type TestServer } from './support/server.ts';
import { publishOnFjord } from './support/fjord.ts';

let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let server: TestServer;
let token: string;

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({ env: fjordEnv(fjord.url) });
  token = await server.tokenFor('analytics');
});
afterAll(() => stopAll(server, fjord));

const gql = graphqlAs(
  () => server,
  () => token,
);

async function contract(price: string | null) {
  const { connectFjordJobs } = await gql(
    `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id webhookUrl } } }`,
    {
      input: {
        environment: 'SANDBOX',
        termsAccepted: true,
        credits: 10,
        credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
        ...(price ? { purchasePrice: { amount: price, currency: 'NOK' } } : {}),
      },
    },
  );
  await activeContract(server, token, connectFjordJobs.id);
  return connectFjordJobs as { id: string; webhookUrl: string };
}

const FIGURES = 'applications uniqueCandidates creditsSpent cost { amount currency } costPerApplication { amount }';

test("a seeded organisation's figures per posting, contract and board equal a hand count of its rows", async () => {
  const from = new Date(Date.now() - 60_000);
  const [priced, free] = [await contract('5000.00'), await contract(null)];
  const postings = [
    await publishOnFjord(server, token, priced.id, 'Trawler cook'),
    await publishOnFjord(server, token, priced.id, 'Net mender'),
    await publishOnFjord(server, token, free.id, 'Harbour pilot'),
  ];
  const externalIds = await Promise.all(
    postings.map(async (id) => {
      await eventually(
        async () =>
          (await gql('query ($id: ID!) { posting(id: $id) { status } }', { id })).posting.status === 'PUBLISHED',
      );
      return (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id })).posting.externalId as string;
    }),
  );
  // Kari applies to two postings of the priced contract, Ola to one; nobody to the free contract's posting.
  const apply = async (index: number, name: string, email: string, webhookUrl: string) =>
    expect((await sendWebhook(webhookUrl, fjord.apply(externalIds[index]!, { name, email }))).status).toBe(202);
  await apply(0, 'Kari', 'kari@example.no', priced.webhookUrl);
  await apply(1, 'Kari', 'kari@example.no', priced.webhookUrl);
  await apply(0, 'Ola', 'ola@example.no', priced.webhookUrl);
  const prisma = server.app.db.prisma;
  await eventually(async () => (await prisma.application.count()) === 3, 30_000, 'three applications');
  const to = new Date(Date.now() + 60_000);

  const { analytics } = await gql(
    `query ($from: DateTime!, $to: DateTime!) { analytics(from: $from, to: $to) { ... on Analytics {
      byPosting { posting { id } secondsToFirstApplication ${FIGURES} }
      byContract { contract { id } ${FIGURES} }
      byBoard { boardId ${FIGURES} } } } }`,
    { from: from.toISOString(), to: to.toISOString() },
  );

  // The hand count, from the rows.
  const applications = await prisma.application.findMany();
  const consumed = await prisma.creditEntry.findMany({ where: { kind: 'CONSUME' } });
  const count = (postingId: string) => applications.filter((row) => row.postingId === localId(postingId));
  const perPosting = postings.map((id) => ({
    applications: count(id).length,
    uniqueCandidates: new Set(count(id).map((row) => row.candidateId)).size,
    creditsSpent: consumed.filter((row) => row.reference === localId(id)).length,
  }));
  expect(perPosting).toEqual([
    { applications: 2, uniqueCandidates: 2, creditsSpent: 1 },
    { applications: 1, uniqueCandidates: 1, creditsSpent: 1 },
    { applications: 0, uniqueCandidates: 0, creditsSpent: 1 },
  ]);
  // 5,000 NOK for 10 credits: 500 a credit.
  expect(analytics.byPosting).toEqual([
    {
      posting: { id: postings[0] },
      secondsToFirstApplication: expect.any(Number),
      ...perPosting[0],
      cost: { amount: '500.00', currency: 'NOK' },
      costPerApplication: { amount: '250.00' },
    },
    {
      posting: { id: postings[1] },
      secondsToFirstApplication: expect.any(Number),
      ...perPosting[1],
      cost: { amount: '500.00', currency: 'NOK' },
      costPerApplication: { amount: '500.00' },
    },
    {
      posting: { id: postings[2] },
      secondsToFirstApplication: null,
      ...perPosting[2],
      cost: null,
      costPerApplication: null,
    },
  ]);
  expect(analytics.byContract).toEqual([
    {
      contract: { id: priced.id },
      applications: 3,
      uniqueCandidates: 2,
      creditsSpent: 2,
      cost: { amount: '1000.00', currency: 'NOK' },
      costPerApplication: { amount: '333.33' },
    },
    {
      contract: { id: free.id },
      applications: 0,
      uniqueCandidates: 0,
      creditsSpent: 1,
      cost: null,
      costPerApplication: null,
    },
  ]);
  // One contract has no price: the board's cost is unknown rather than understated.
  expect(analytics.byBoard).toEqual([
    {
      boardId: 'fjord-jobs',
      applications: 3,
      uniqueCandidates: 2,
      creditsSpent: 3,
      cost: null,
      costPerApplication: null,
    },
  ]);

  // A period before anything happened counts nothing; a period that ends before it starts is refused.
  const before = await gql(
    `query ($from: DateTime!, $to: DateTime!) { analytics(from: $from, to: $to) { ... on Analytics { byContract { applications creditsSpent } } } }`,
    { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' },
  );
  expect(before.analytics.byContract).toEqual([
    { applications: 0, creditsSpent: 0 },
    { applications: 0, creditsSpent: 0 },
  ]);
  const wrong = await gql(
    `query { analytics(from: "2020-02-01T00:00:00Z", to: "2020-01-01T00:00:00Z") { __typename ... on ValidationError { fieldErrors { path } } } }`,
  );
  expect(wrong.analytics).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['to'] }] });
});

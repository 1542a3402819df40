import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { startTopcvSimulator, TOPCV_EMPLOYERS } from '../src/plugins/topcv/simulator.ts';
import { connectFjord, fjordEnv } from './support/fjord.ts';
import { createJobId, graphqlAs, localId } from './support/graphql.ts';
import { eventually, startTestServer, stopAll, type TestServer } from './support/server.ts';

// Where each application came from: a board's webhook, the application page this server hosts, and the
// organisation's own site reporting an application made through one of our apply links.
let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;
let token: string;
let other: string;
const [topcvKey, topcvEmployer] = Object.entries(TOPCV_EMPLOYERS)[0]!;

beforeAll(async () => {
  [fjord, topcv] = await Promise.all([startFjordJobsSimulator(), startTopcvSimulator({ autoReviewMs: 50 })]);
  server = await startTestServer({
    env: fjordEnv(fjord.url, { BOARD_BASE_URLS: `fjord-jobs=${fjord.url},topcv=${topcv.url}` }),
  });
  token = await server.tokenFor('attribution');
  other = await server.tokenFor('attribution-other');
});
afterAll(() => stopAll(server, fjord, topcv));

const gql = graphqlAs(
  () => server,
  () => token,
);

const DESCRIPTION = '<p>Load and unload the night trucks, keep the yard safe and the paperwork straight.</p>';

async function publish(contractId: string, title: string, boardFields: Record<string, unknown>, applyUrl?: string) {
  const jobId = await createJobId(gql, {
    title,
    description: DESCRIPTION,
    location: { city: 'Bergen' },
    ...(applyUrl ? { applyUrl } : {}),
  });
  const { publishPosting } = await gql(
    'mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }',
    { input: { jobId, contractId, boardFields } },
  );
  await eventually(
    async () =>
      (await gql('query ($id: ID!) { posting(id: $id) { status } }', { id: publishPosting.id })).posting.status ===
      'PUBLISHED',
    30_000,
    `${title} to go live`,
  );
  return { jobId, postingId: publishPosting.id as string };
}

/** The applications of a job with where each came from, once `count` have arrived. */
async function sources(jobId: string, count: number) {
  const read = async () =>
    (
      await gql(
        `query ($id: ID!) { job(id: $id) { applications(first: 10) { edges { node {
          boardId posting { id } candidate { name } } } } } }`,
        { id: jobId },
      )
    ).job.applications.edges.map(({ node }: { node: any }) => node);
  await eventually(async () => (await read()).length >= count, 30_000, `${count} application(s)`);
  return read();
}

describe('each application says which posting and board it came from', () => {
  test("a board's webhook names the posting on the board", async () => {
    const { jobId, postingId } = await publish(await connectFjord(server, token), 'Yard hand', { sector: 'ENERGY' });
    const { externalId } = (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: postingId }))
      .posting;
    const contract = (await gql('{ contracts(first: 5) { edges { node { boardId webhookUrl } } } }')).contracts.edges
      .map(({ node }: { node: any }) => node)
      .find((node: { boardId: string }) => node.boardId === 'fjord-jobs');
    const delivery = fjord.apply(externalId, { name: 'Kari Nordmann', email: 'kari@example.no' });
    expect((await sendWebhook(contract.webhookUrl, delivery)).status).toBe(202);
    expect(await sources(jobId, 1)).toEqual([
      { boardId: 'fjord-jobs', posting: { id: postingId }, candidate: { name: 'Kari Nordmann' } },
    ]);
  });

  test('the hosted application page of a feed board', async () => {
    const { connectXmlJobFeed: contract } = await gql(
      `mutation ($input: ConnectXmlJobFeedInput!) { connectXmlJobFeed(input: $input) { ... on Contract { id feedUrl } } }`,
      { input: { environment: 'PRODUCTION', credentials: { publisher: 'Acme Logistics' } } },
    );
    const { jobId, postingId } = await publish(contract.id, 'Night dispatcher', {});
    const feed = await (await fetch(contract.feedUrl)).text();
    const link = new URL(/<url>([^<]+)<\/url>/.exec(feed)![1]!.replaceAll('&amp;', '&'));
    expect(Object.fromEntries(link.searchParams)).toEqual({ source: 'xml-job-feed', posting: localId(postingId) });
    const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(await (await fetch(link)).text())![1]!;
    const form = new FormData();
    for (const [key, value] of Object.entries({ submissionId, name: 'Sanne de Vries', email: 'sanne@example.nl' }))
      form.set(key, value);
    form.set('consent', 'yes');
    expect((await fetch(link, { method: 'POST', body: form })).status).toBe(200);
    expect(await sources(jobId, 1)).toEqual([
      { boardId: 'xml-job-feed', posting: { id: postingId }, candidate: { name: 'Sanne de Vries' } },
    ]);
    // Its views are counted for analytics: the GET above and one more; a HEAD is not a view.
    await fetch(link);
    await fetch(link, { method: 'HEAD' });
    const { analytics } = await gql(
      `query ($from: DateTime!, $to: DateTime!) { analytics(from: $from, to: $to) { ... on Analytics {
        byPosting { posting { id } views applications } byBoard { boardId views } } } }`,
      { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(analytics.byPosting.find((row: { posting: { id: string } }) => row.posting.id === postingId)).toEqual({
      posting: { id: postingId },
      views: 2,
      applications: 1,
    });
    expect(analytics.byBoard.find((row: { boardId: string }) => row.boardId === 'xml-job-feed').views).toBe(2);
  });

  test("the organisation's own site, through the apply link a board was given: recorded once, only in its organisation", async () => {
    const { connectTopcv } = await gql(
      `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          credentials: { employerApiKey: topcvKey, secretKey: topcvEmployer.secretKey },
        },
      },
    );
    topcv.setWebhookUrl(topcvKey, connectTopcv.webhookUrl);
    const { jobId, postingId } = await publish(
      connectTopcv.id,
      'Kho vận đêm',
      { job_family_category: 'SALES', locations: [{ province_id: 'VN-HN' }] },
      'https://careers.acme.example/jobs/42/apply?lang=vi',
    );
    // The link TopCV got names the board and the posting.
    const { externalId } = (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: postingId }))
      .posting;
    const handed = new URL(String(topcv.jobs.get(Number(externalId))!.body.apply_url));
    expect(handed.origin + handed.pathname).toBe('https://careers.acme.example/jobs/42/apply');
    expect(Object.fromEntries(handed.searchParams)).toEqual({
      lang: 'vi',
      source: 'topcv',
      posting: localId(postingId),
    });

    // The site reports the application with the link's `posting`.
    const RECORD = `mutation ($input: RecordApplicationInput!) { recordApplication(input: $input) { __typename
      ... on RecordedApplication { duplicate posting { id } } ... on Error { message }
      ... on ValidationError { fieldErrors { path } } } }`;
    const input = {
      posting: handed.searchParams.get('posting'),
      applicationId: 'site-7781',
      candidate: { name: 'Trần Văn An', email: 'An.Tran@Example.vn' },
    };
    expect((await gql(RECORD, { input })).recordApplication).toEqual({
      __typename: 'RecordedApplication',
      duplicate: false,
      posting: { id: postingId },
    });
    expect((await gql(RECORD, { input })).recordApplication.duplicate).toBe(true);
    expect(await sources(jobId, 1)).toEqual([
      { boardId: 'topcv', posting: { id: postingId }, candidate: { name: 'Trần Văn An' } },
    ]);

    // Another organisation's posting is not found; a value that is no posting is refused on its path.
    expect((await gql(RECORD, { input }, other)).recordApplication.__typename).toBe('NotFoundError');
    const wrong = (await gql(RECORD, { input: { ...input, posting: 'x' } })).recordApplication;
    expect(wrong.fieldErrors).toEqual([{ path: ['input', 'posting'] }]);
    expect(await sources(jobId, 1)).toHaveLength(1);
  });
});

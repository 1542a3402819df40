import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createJobId, graphqlAs, localId } from '../../../test/support/graphql.ts';
import { startTestServer, stopAll, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ env: { WORKER_POLL_MS: '50' } });
  token = await server.tokenFor('xml-feed');
});
afterAll(() => stopAll(server));

const gql = graphqlAs(
  () => server,
  () => token,
);

const parser = new XMLParser({ isArray: (name) => name === 'job', parseTagValue: false });
const feedOf = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { response, text: await response.text() };
};

describe('the XML job feed (the format Indeed made common)', () => {
  test("published postings are in the contract's feed with the format's elements and tagged apply links", async () => {
    const { connectXmlJobFeed: contract } = await gql(
      `mutation ($input: ConnectXmlJobFeedInput!) { connectXmlJobFeed(input: $input) {
        __typename ... on Contract { id status feedUrl } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          credentials: { publisher: 'Acme Logistics', publisherUrl: 'https://acme.example' },
        },
      },
    );
    expect(contract).toMatchObject({ __typename: 'Contract', status: 'ACTIVE' });

    const jobs = await Promise.all([
      createJobId(gql, {
        title: 'Warehouse lead <nights> & weekends',
        description: '<p>Run the night shift. ]]> is not the end.</p>',
        location: { city: 'Utrecht', region: 'UT', postalCode: '3511 AB', countryCode: 'NL' },
        employmentType: 'FULL_TIME',
        salary: { min: '3200', max: '4100', currency: 'EUR', period: 'MONTH' },
      }),
      createJobId(gql, { title: 'Forklift driver', description: '<p>Drive.</p>', location: { city: 'Breda' } }),
    ]);
    const PUBLISH = `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id status } } }`;
    const postings = [];
    for (const [index, jobId] of jobs.entries())
      postings.push(
        (
          await gql(PUBLISH, {
            input: { jobId, contractId: contract.id, boardFields: index === 1 ? { category: 'Logistics' } : {} },
          })
        ).publishPosting,
      );
    expect(postings.map((posting) => posting.status)).toEqual(['PUBLISHED', 'PUBLISHED']);

    const { response, text } = await feedOf(contract.feedUrl);
    expect(response.status).toBe(200);
    expect(XMLValidator.validate(text)).toBe(true);
    const { source } = parser.parse(text);
    expect(source.publisher).toBe('Acme Logistics');
    expect(source.publisherurl).toBe('https://acme.example');
    expect(Number.isNaN(Date.parse(source.lastBuildDate))).toBe(false);
    const byReference = new Map(source.job.map((job: Record<string, string>) => [job.referencenumber, job]));
    expect([...byReference.keys()].sort()).toEqual(postings.map((posting) => localId(posting.id)).sort());

    const first = byReference.get(localId(postings[0].id)) as Record<string, string>;
    expect(first).toMatchObject({
      title: 'Warehouse lead <nights> & weekends',
      company: 'Acme Logistics',
      city: 'Utrecht',
      state: 'UT',
      country: 'NL',
      postalcode: '3511 AB',
      // The job's description as stored (sanitised HTML, where ">" is "&gt;"), exactly.
      description: '<p>Run the night shift. ]]&gt; is not the end.</p>',
      salary: 'EUR 3200 - 4100 per month',
      jobtype: 'fulltime',
    });
    expect(first.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect((byReference.get(localId(postings[1].id)) as Record<string, string>).category).toBe('Logistics');
    // The apply link is the hosted page, tagged with the board and the posting; it answers.
    const link = new URL(first.url!);
    expect(link.pathname).toBe(`/apply/${localId(contract.id)}/${localId(jobs[0]!)}`);
    expect(Object.fromEntries(link.searchParams)).toEqual({ source: 'xml-job-feed', posting: localId(postings[0].id) });
    expect((await fetch(link)).status).toBe(200);

    // Unchanged: 304 on the entity tag. Withdrawn: out of the feed at once.
    const etag = response.headers.get('etag')!;
    expect((await feedOf(contract.feedUrl, { 'if-none-match': etag })).response.status).toBe(304);
    await gql('mutation ($id: ID!) { withdrawPosting(id: $id) { __typename } }', { id: postings[1].id });
    const after = parser.parse((await feedOf(contract.feedUrl)).text).source;
    expect(after.job.map((job: Record<string, string>) => job.referencenumber)).toEqual([localId(postings[0].id)]);
  });

  test('an empty publisher and a website that is not a URL are refused on their paths; nothing is stored', async () => {
    const { connectXmlJobFeed } = await gql(
      `mutation ($input: ConnectXmlJobFeedInput!) { connectXmlJobFeed(input: $input) {
        __typename ... on ValidationError { fieldErrors { path } } } }`,
      { input: { environment: 'PRODUCTION', credentials: { publisher: '', publisherUrl: 'not a url' } } },
    );
    expect(connectXmlJobFeed.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'input.credentials.publisher',
      'input.credentials.publisherUrl',
    ]);
    const { contracts } = await gql('{ contracts(first: 10) { edges { node { boardId } } } }');
    expect(
      contracts.edges.filter(({ node }: { node: { boardId: string } }) => node.boardId === 'xml-job-feed'),
    ).toHaveLength(1);
  });
});

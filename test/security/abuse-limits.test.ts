import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS } from '../../src/plugins/topcv/simulator.ts';
import { createTestDatabase, startTestServer, TEST_DB, type TestServer } from '../support/server.ts';

const LIMITS = {
  RATE_LIMIT_MUTATIONS_PER_MINUTE: '5',
  RATE_LIMIT_TOKEN_CREATIONS_PER_HOUR: '2',
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: '3',
  RATE_LIMIT_APPLICATIONS_PER_HOUR: '2',
};

let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;

beforeAll(async () => {
  topcv = await startTopcvSimulator();
  server = await startTestServer({ env: { ...LIMITS, BOARD_BASE_URLS: `topcv=${topcv.url}` } });
});
afterAll(async () => {
  await server?.stop();
  await topcv?.close();
});

const CREATE_JOB = `mutation ($title: String!) { createJob(input: { title: $title, description: "<p>x</p>" }) { __typename } }`;
const jobCount = async (token: string) =>
  (await server.graphql(`{ jobs(first: 100) { edges { node { id } } } }`, { token })).body.data!.jobs.edges
    .length as number;

describe('rate limits answer 429 with Retry-After and run nothing', () => {
  test('mutations per token: each root field counts; other tokens and queries are not affected', async () => {
    const token = await server.tokenFor('limits-mutations');
    const other = await server.tokenFor('limits-mutations');
    for (let index = 0; index < 3; index += 1)
      expect((await server.graphql(CREATE_JOB, { token, variables: { title: `Job ${index}` } })).status).toBe(200);
    const two = await server.graphql(
      `mutation { a: createJob(input: { title: "A", description: "<p>x</p>" }) { __typename } b: createJob(input: { title: "B", description: "<p>x</p>" }) { __typename } }`,
      { token },
    );
    expect(two.body.data).toEqual({ a: { __typename: 'Job' }, b: { __typename: 'Job' } });

    const refused = await server.graphql(CREATE_JOB, { token, variables: { title: 'One too many' } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Too many mutations for this token; try again in \d+ s\.$/),
        extensions: expect.objectContaining({ code: 'RATE_LIMITED' }),
      }),
    ]);
    expect(await jobCount(token)).toBe(5);
    expect(
      (await server.graphql(CREATE_JOB, { token: other, variables: { title: 'Another token' } })).body.data,
    ).toEqual({ createJob: { __typename: 'Job' } });
    expect((await server.graphql(`{ viewer { role } }`, { token })).status).toBe(200);
  });

  test('API tokens created per address, whoever asks', async () => {
    const [first, second] = [await server.tokenFor('limits-tokens'), await server.tokenFor('limits-tokens-2')];
    const create = (token: string) =>
      server.graphql(`mutation { createApiToken(input: { name: "ci", scopes: [READ] }) { __typename } }`, { token });
    expect((await create(first)).body.data).toEqual({ createApiToken: { __typename: 'CreateApiTokenPayload' } });
    expect((await create(second)).body.data).toEqual({ createApiToken: { __typename: 'CreateApiTokenPayload' } });
    const refused = await create(first);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.message).toMatch(/^Too many API tokens created from this address/);
    const listed = await server.graphql(`{ apiTokens(first: 20) { edges { node { name } } } }`, { token: first });
    expect(
      listed.body.data!.apiTokens.edges.filter((edge: { node: { name: string } }) => edge.node.name === 'ci'),
    ).toHaveLength(1);
  });

  test('webhook deliveries per address: refused before the body is read, counted in /metrics', async () => {
    const token = await server.tokenFor('limits-webhooks');
    const [key, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
    const connected = await server.graphql(
      `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { webhookUrl } } }`,
      {
        token,
        variables: {
          input: { environment: 'PRODUCTION', credentials: { employerApiKey: key, secretKey: employer.secretKey } },
        },
      },
    );
    const url = connected.body.data!.connectTopcv.webhookUrl as string;
    const send = () => {
      const delivery = topcvDelivery(employer.secretKey, { event: 'job.expired', data: { job_id: 1 } });
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
      });
    };
    for (let index = 0; index < 3; index += 1) expect((await send()).status).toBeLessThan(300);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_inbox_received_total\{board="topcv",outcome="rate_limited"\} 1/);
  });

  test('behind TRUST_PROXY, X-Forwarded-For is the address; without it, the header changes nothing', async () => {
    const proxied = await startTestServer({ env: { ...LIMITS, TRUST_PROXY: 'true' } });
    try {
      const post = (target: TestServer, address: string) =>
        fetch(`${target.url}/webhooks/topcv/unknown`, {
          method: 'POST',
          headers: { 'x-forwarded-for': `${address}, 10.0.0.1` },
          body: '{}',
        });
      for (let index = 0; index < 3; index += 1) expect((await post(proxied, '203.0.113.7')).status).toBe(404);
      expect((await post(proxied, '203.0.113.7')).status).toBe(429);
      expect((await post(proxied, '203.0.113.8')).status).toBe(404);
      // The main server does not trust the header: every delivery above came from 127.0.0.1, whose budget is spent.
      expect((await post(server, '198.51.100.1')).status).toBe(429);
    } finally {
      await proxied.stop();
    }
  });

  test('the hosted application page: applications per address', async () => {
    const token = await server.tokenFor('limits-apply');
    const contract = await server.graphql(
      `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "v@apply.example", clientId: "40215", publicationMode: DEDICATED_MEDIUM } }) { ... on Contract { id feedUrl } ... on ValidationError { fieldErrors { path message } } } }`,
      { token },
    );
    const { id: contractId, feedUrl } = contract.body.data!.connectIngoedebanen;
    const job = await server.graphql(
      `mutation { createJob(input: { title: "Picker", description: "<p>Picks.</p>", location: { city: "Utrecht", countryCode: "NL" } }) { ... on Job { id } } }`,
      { token },
    );
    const publish = await server.graphql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }`,
      {
        token,
        variables: { input: { jobId: job.body.data!.createJob.id, contractId, boardFields: {} } },
      },
    );
    expect(publish.body, JSON.stringify(contract.body)).toEqual({
      data: { publishPosting: { __typename: 'Posting' } },
    });
    const feed = await (await fetch(feedUrl)).text();
    const applyUrl = /<applyUrl>([^<]+)<\/applyUrl>/.exec(feed)![1]!;
    const apply = (index: number) => {
      const form = new FormData();
      form.set('submissionId', randomUUID());
      form.set('name', `Applicant ${index}`);
      form.set('email', `applicant${index}@example.com`);
      form.set('consent', 'yes');
      return fetch(applyUrl, { method: 'POST', body: form });
    };
    expect((await apply(1)).status).toBe(200);
    expect((await apply(2)).status).toBe(200);
    const refused = await apply(3);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.text()).toContain('Te veel sollicitaties vanaf uw adres');
    expect((await fetch(applyUrl)).status).toBe(200);
  });
});

// Several API processes share one PostgreSQL; PGlite is one process per database, so this is PostgreSQL only.
describe.runIf(TEST_DB === 'postgres')('shared through Redis', () => {
  test('two API processes on one Redis count one budget per token', async () => {
    const database = await createTestDatabase();
    const [one, two] = [
      await startTestServer({ env: LIMITS, redis: true, database }),
      await startTestServer({ env: LIMITS, redis: true, database }),
    ];
    try {
      const token = await one.tokenFor('limits-redis');
      const statuses: number[] = [];
      for (let index = 0; index < 6; index += 1)
        statuses.push(
          (await (index % 2 ? two : one).graphql(CREATE_JOB, { token, variables: { title: `J${index}` } })).status,
        );
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await two.stop();
      await one.stop();
      await database.drop();
    }
  });
});

describe('other limits', () => {
  test('directives over MAX_DIRECTIVES are refused before execution', async () => {
    const token = await server.tokenFor('limits-directives');
    const response = await server.graphql(`{ viewer { role ${'@include(if: true) '.repeat(25)} } }`, { token });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.message).toMatch(/directives/i);
  });

  test('a JSON value nested thousands of levels deep is refused as bad input, not a server error', async () => {
    const token = await server.tokenFor('limits-json-depth');
    const depth = 5000;
    const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: `{"query":"mutation ($fields: JSON) { updatePosting(id: \\"UG9zdGluZzox\\", boardFields: $fields) { __typename } }","variables":{"fields":${nested}}}`,
    });
    const body = await response.json();
    expect(response.status).toBeLessThan(500);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/nested deeper than 32 levels/);
    expect(server.logs.join('\n')).not.toMatch(/Maximum call stack/);
  });

  test('a request body over the limit is refused with 413 without being read to the end', async () => {
    const token = await server.tokenFor('limits-body');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ viewer { role } } # ${'x'.repeat(3 * 1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });
});

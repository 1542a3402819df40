import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { eventually, startTestServer, subscribe, type TestServer, stopAll } from './support/server.ts';
import type { CreateJobInput } from './support/generated/graphql.ts';
import { createdJob, createJob as createJobAnswer, graphqlAs, localId, QUEUED_OR_FURTHER } from './support/graphql.ts';
import { connectFjord as connectFjordContract, FAST_RETRIES, fjordEnv } from './support/fjord.ts';

type FjordSimulator = Awaited<ReturnType<typeof startFjordJobsSimulator>>;

let fjord: FjordSimulator;
let server: TestServer;
let token: string;
let recruiter: string;
let otherAdmin: string;

const _VALID = { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey };

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({
    env: fjordEnv(fjord.url, FAST_RETRIES),
  });
  token = await server.tokenFor('posting-org');
  recruiter = await server.tokenFor('posting-org', 'RECRUITER');
  otherAdmin = await server.tokenFor('other-org');
});
afterAll(() => stopAll(server, fjord));

const gql = graphqlAs(
  () => server,
  () => token,
);

const jobInput = (overrides: Partial<CreateJobInput>): Partial<CreateJobInput> => ({
  location: { city: 'Bergen', countryCode: 'no' },
  employmentType: 'FULL_TIME',
  ...overrides,
});
const createJob = (overrides: Partial<CreateJobInput> = {}, as = recruiter) => createdJob(gql, jobInput(overrides), as);

const connectFjord = (credits: number | null = 100) => connectFjordContract(server, token, credits);

const PUBLISH = `mutation ($input: PublishPostingInput!) {
  publishPosting(input: $input) {
    __typename
    ... on Posting { id status boardFields }
    ... on ValidationError { fieldErrors { path message } }
    ... on Error { message }
  }
}`;

const publish = async (
  jobId: string,
  contractId: string,
  boardFields: Record<string, unknown> = { sector: 'FISHERIES' },
  as = recruiter,
) => (await gql(PUBLISH, { input: { jobId, contractId, boardFields } }, as)).publishPosting;

const postingStatus = async (id: string) =>
  (await gql('query ($id: ID!) { posting(id: $id) { status } }', { id })).posting.status as string;

describe('jobs', () => {
  test('a recruiter creates a job: the description is sanitised and the default pipeline is set', async () => {
    const job = await createJob({
      description: '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x">x</a><b>sea</b></p>',
    });
    expect(job.__typename).toBe('Job');
    expect(job.description).toBe('<p>Hello <a rel="noopener noreferrer">x</a><b>sea</b></p>');
    expect(job.stages).toEqual(['Applied', 'Screening', 'Interview', 'Offer', 'Hired']);
  });

  test('invalid job fields are reported with their paths and nothing is stored', async () => {
    const before = await server.app.db.prisma.job.count();
    const result = await createJobAnswer(
      gql,
      jobInput({
        title: ' ',
        description: '<script>only code</script>',
        location: { countryCode: 'XX' },
        salary: { min: '5000', max: '4000', currency: 'EUR', period: 'MONTH' },
        applyUrl: 'ftp://nope',
      }),
      recruiter,
    );
    if (result.__typename !== 'ValidationError') throw new Error(`expected a ValidationError: ${result.__typename}`);
    expect(result.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'input.applyUrl',
      'input.description',
      'input.location.countryCode',
      'input.salary.min',
      'input.title',
    ]);
    expect(await server.app.db.prisma.job.count()).toBe(before);
  });

  test('jobs are scoped to their organisation', async () => {
    const job = await createJob();
    expect((await gql('query ($id: ID!) { job(id: $id) { id } }', { id: job.id }, otherAdmin)).job).toBeNull();
    const update = await gql(
      'mutation ($id: ID!) { updateJob(id: $id, input: { title: "x" }) { __typename } }',
      { id: job.id },
      otherAdmin,
    );
    expect(update.updateJob.__typename).toBe('NotFoundError');
  });
});

describe('publishing', () => {
  test('a posting goes QUEUED → SUBMITTED → PUBLISHED, live over the subscription, with its log and one credit spent', async () => {
    const contractId = await connectFjord(5);
    const job = await createJob();
    const changes = subscribe(
      server.wsClient({ token: recruiter }),
      `subscription ($filter: PostingEventFilter) {
      postingStatusChanged(filter: $filter) { from to posting { id externalId nextAction { code message } } }
    }`,
      { filter: { contractId } },
    );
    const elsewhere = subscribe(server.wsClient({ token: otherAdmin }), 'subscription { postingStatusChanged { to } }');
    await Promise.all([changes.ready, elsewhere.ready]);

    const posting = await publish(job.id, contractId);
    expect(posting).toMatchObject({
      __typename: 'Posting',
      status: QUEUED_OR_FURTHER,
      boardFields: { sector: 'FISHERIES', remote: false, municipality: 'Bergen' },
    });
    await eventually(
      async () => (await postingStatus(posting.id)) === 'PUBLISHED',
      10_000,
      'the posting to be published',
    );

    await changes.waitUntil((results) =>
      results.some((result) => result.data?.postingStatusChanged.to === 'PUBLISHED'),
    );
    expect(
      changes.received.map((result) => [result.data?.postingStatusChanged.from, result.data?.postingStatusChanged.to]),
    ).toEqual([
      ['DRAFT', 'QUEUED'],
      ['QUEUED', 'SUBMITTED'],
      ['SUBMITTED', 'PUBLISHED'],
    ]);
    expect(elsewhere.received).toEqual([]);
    // Each change carries what to do next (read when it is sent: for the last one, nothing).
    expect(changes.received.at(-1)?.data?.postingStatusChanged.posting.nextAction).toEqual({
      code: 'NOTHING',
      message: 'Live on Fjord Jobs.',
    });

    const read = await gql(
      `query ($id: ID!) { posting(id: $id) {
      status externalId externalUrl job { title } contract { id credits { total used remaining } }
      events { type from to message }
    } }`,
      { id: posting.id },
    );
    expect(read.posting).toMatchObject({
      status: 'PUBLISHED',
      externalId: expect.stringMatching(/^fj-\d+$/),
      externalUrl: expect.stringContaining('fjordjobs.example/jobs/'),
      job: { title: 'Deckhand (m/f/x)' },
      contract: { id: contractId, credits: { total: 5, used: 1, remaining: 4 } },
    });
    expect(read.posting.events.map((event: { to: string }) => event.to)).toEqual(['QUEUED', 'SUBMITTED', 'PUBLISHED']);
    const created = [...fjord.state.jobs.values()].find((entry) => entry.id === read.posting.externalId)!;
    expect(created).toMatchObject({ title: 'Deckhand (m/f/x)', sector: 'FISHERIES', municipality: 'Bergen' });

    const log = await gql(
      'query ($id: ID!) { contract(id: $id) { ... on Contract { postings { edges { node { id status } } } } } }',
      { id: contractId },
    );
    expect(log.contract.postings.edges).toEqual([{ node: { id: posting.id, status: 'PUBLISHED' } }]);
  });

  test.each([
    ['an unknown board-field value', { sector: 'MINING' }, ['boardFields', 'sector']],
    [
      'a field the board does not have (misspelt)',
      { sector: 'ENERGY', muncipality: 'Bergen' },
      ['boardFields', 'muncipality'],
    ],
    [
      'a missing board field without default',
      { sector: 'ENERGY', municipality: undefined, jobWithoutCity: true },
      ['boardFields', 'municipality'],
    ],
  ])('%s is a ValidationError with its path; nothing is queued or spent', async (_case, fields, path) => {
    const contractId = await connectFjord(5);
    const { jobWithoutCity, ...boardFields } = fields as Record<string, unknown>;
    const job = await createJob(jobWithoutCity ? { location: null } : {});
    const deliveries = await server.app.db.prisma.boardOutbox.count();
    const result = await publish(job.id, contractId, boardFields);
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors.map((error: { path: string[] }) => error.path)).toContainEqual(path);
    expect(await server.app.db.prisma.boardOutbox.count()).toBe(deliveries);
    expect(
      (await gql('query ($id: ID!) { contract(id: $id) { credits { used } } }', { id: contractId })).contract.credits
        .used,
    ).toBe(0);
  });

  test("the posting form's schema marks what has a default as optional, and the job's pre-filled fields can be read first", async () => {
    const job = await createJob({});
    const { board } = await gql(
      'query ($job: ID!) { board(id: "fjord-jobs") { postingFieldsSchema postingDefaults(jobId: $job) } }',
      { job: job.id },
    );
    expect(board.postingFieldsSchema.required ?? []).not.toContain('remote');
    expect(board.postingFieldsSchema.properties.remote.default).toBe(false);
    expect(board.postingDefaults).toEqual({ municipality: 'Bergen' });
    const foreign = await server.graphql(
      'query ($job: ID!) { board(id: "fjord-jobs") { postingDefaults(jobId: $job) } }',
      { token: await server.tokenFor('defaults-outsider'), variables: { job: job.id } },
    );
    expect(foreign.body.data?.board.postingDefaults).toBeNull();
  });

  test('refusals are typed and change nothing', async () => {
    const job = await createJob();
    const empty = await connectFjord(0);
    expect(await publish(job.id, empty)).toMatchObject({
      __typename: 'NotEnoughCredits',
      message: expect.stringMatching(/no credit left/),
    });

    const contractId = await connectFjord(5);
    expect((await publish(job.id, contractId)).__typename).toBe('Posting');
    expect((await publish(job.id, contractId)).__typename).toBe('PostingExists');

    await gql('mutation ($id: ID!) { disconnectContract(id: $id) { __typename } }', { id: empty });
    expect(await publish(job.id, empty)).toMatchObject({
      __typename: 'ContractStateError',
      message: expect.stringMatching(/NOT_CONFIGURED/),
    });

    const foreignJob = await createJob({}, otherAdmin);
    expect((await publish(foreignJob.id, contractId)).__typename).toBe('NotFoundError');

    // A contract that cannot take postings one by one: InGoedeBanen mirroring the organisation's website.
    const mirror = await gql(
      `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { ... on Contract { id status } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          credentials: { email: 'jobs@acme.example', clientId: '40213', publicationMode: 'OWN_WEBSITE' },
        },
      },
    );
    expect(await publish(job.id, mirror.connectIngoedebanen.id, {})).toMatchObject({
      __typename: 'UnsupportedOperation',
    });

    const expiring = await connectFjord(5);
    await server.app.db.prisma.contract.update({
      where: { id: localId(expiring) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await publish(job.id, expiring)).toMatchObject({
      __typename: 'ContractStateError',
      message: expect.stringMatching(/EXPIRED/),
    });

    const closed = await createJob({ status: 'CLOSED' });
    expect((await publish(closed.id, contractId)).__typename).toBe('UnsupportedOperation');
  });

  test('a refusal by the board fails the posting with the reason and gives the credit back', async () => {
    const contractId = await connectFjord(3);
    const job = await createJob();
    fjord.inject({ type: 'error', status: 422 }, { method: 'POST', pathPrefix: '/v1/employers/123456/jobs' });
    const posting = await publish(job.id, contractId);
    await eventually(async () => (await postingStatus(posting.id)) === 'FAILED', 10_000, 'the posting to fail');
    const read = await gql(
      'query ($id: ID!) { posting(id: $id) { lastError events { to message } contract { credits { used remaining } } } }',
      { id: posting.id },
    );
    expect(read.posting.lastError).toMatch(/refused the request \(422\)/);
    expect(read.posting.contract.credits).toEqual({ used: 0, remaining: 3 });
    expect(read.posting.events.at(-1)).toEqual({ to: 'FAILED', message: read.posting.lastError });
  });

  test('fields the board refuses are named on the posting; updatePosting corrects them and sends it again, one credit in the end', async () => {
    const contractId = await connectFjord(3);
    const job = await createJob();
    // Fjord Jobs' register knows that Fjell merged into Øygarden; the plugin's own rules cannot.
    const posting = await publish(job.id, contractId, { sector: 'FISHERIES', municipality: 'Fjell' });
    await eventually(async () => (await postingStatus(posting.id)) === 'FAILED', 10_000, 'the posting to fail');
    const READ =
      'query ($id: ID!) { posting(id: $id) { status lastError boardFields fieldErrors { path message } nextAction { code message } contract { credits { used remaining } } } }';
    const failed = (await gql(READ, { id: posting.id })).posting;
    expect(failed.fieldErrors).toEqual([
      { path: ['boardFields', 'municipality'], message: 'Fjell merged into Øygarden in 2020; use Øygarden' },
    ]);
    expect(failed.lastError).toMatch(/Fjord Jobs refused the job: municipality Fjell merged into Øygarden/);
    expect(failed.contract.credits).toEqual({ used: 0, remaining: 3 });
    expect(failed.nextAction).toEqual({
      code: 'FIX_FIELDS',
      message: 'Fjord Jobs refused some fields: correct them with updatePosting (no new credit).',
    });

    const UPDATE = `mutation ($id: ID!, $boardFields: JSON) { updatePosting(id: $id, boardFields: $boardFields) {
      __typename ... on Posting { status boardFields } ... on ValidationError { fieldErrors { path message } } } }`;
    expect((await gql(UPDATE, { id: posting.id, boardFields: { municipality: 'X' } })).updatePosting.__typename).toBe(
      'ValidationError',
    );
    const corrected = (await gql(UPDATE, { id: posting.id, boardFields: { municipality: 'Øygarden' } })).updatePosting;
    expect(corrected).toMatchObject({
      __typename: 'Posting',
      status: QUEUED_OR_FURTHER,
      boardFields: { municipality: 'Øygarden', sector: 'FISHERIES' },
    });
    await eventually(
      async () => (await postingStatus(posting.id)) === 'PUBLISHED',
      10_000,
      'the corrected posting to be published',
    );
    const published = (await gql(READ, { id: posting.id })).posting;
    expect(published).toMatchObject({
      lastError: null,
      fieldErrors: [],
      contract: { credits: { used: 1, remaining: 2 } },
    });
    expect([...fjord.state.jobs.values()].filter((created) => created.municipality === 'Øygarden')).toHaveLength(1);
  });

  test('a posting the board rejected in review is corrected with updatePosting and goes back to review, without a second credit', async () => {
    const contractId = await connectFjord(3);
    const job = await createJob({ title: 'Harbour officer' });
    const posting = await publish(job.id, contractId, { sector: 'PUBLIC' });
    await eventually(async () => (await postingStatus(posting.id)) === 'PENDING_REVIEW', 10_000, 'in review');
    const { externalId } = (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: posting.id }))
      .posting;
    const contract = (await gql('query ($id: ID!) { contract(id: $id) { webhookUrl } }', { id: contractId })).contract;
    await sendWebhook(contract.webhookUrl, fjord.review(externalId, false, 'Public-sector jobs need a salary'));
    await eventually(async () => (await postingStatus(posting.id)) === 'REJECTED', 10_000, 'rejected');
    const corrected = (
      await gql(
        `mutation ($id: ID!) { updatePosting(id: $id, boardFields: { remote: true }) { __typename ... on Posting { status } } }`,
        { id: posting.id },
      )
    ).updatePosting;
    expect(corrected).toEqual({ __typename: 'Posting', status: 'UPDATE_QUEUED' });
    await eventually(async () => (await postingStatus(posting.id)) === 'PENDING_REVIEW', 10_000, 'back in review');
    expect(fjord.updates).toContain(externalId);
    const read = (
      await gql('query ($id: ID!) { posting(id: $id) { contract { credits { used } } } }', { id: posting.id })
    ).posting;
    expect(read.contract.credits.used).toBe(1);
  });
});

describe('listing postings', () => {
  test('filters by status, contract, job and date, pages with first/after, and stays within the organisation', async () => {
    const contractId = await connectFjord(10);
    const jobs = [
      await createJob({ title: 'Cook' }),
      await createJob({ title: 'Engineer' }),
      await createJob({ title: 'Purser' }),
    ];
    const since = new Date().toISOString();
    const postings = [];
    for (const job of jobs) postings.push(await publish(job.id, contractId));
    for (const posting of postings)
      await eventually(async () => (await postingStatus(posting.id)) === 'PUBLISHED', 10_000, 'published');

    const LIST = `query ($filter: PostingFilter, $first: Int, $after: String) {
      postings(filter: $filter, first: $first, after: $after) { edges { node { id job { title } } } pageInfo { hasNextPage endCursor } }
    }`;
    const page1 = (await gql(LIST, { filter: { contractId, status: ['PUBLISHED'], createdAfter: since }, first: 2 }))
      .postings;
    expect(page1.edges.map((edge: any) => edge.node.job.title)).toEqual(['Purser', 'Engineer']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (
      await gql(LIST, { filter: { contractId, createdAfter: since }, first: 2, after: page1.pageInfo.endCursor })
    ).postings;
    expect(page2.edges.map((edge: any) => edge.node.job.title)).toEqual(['Cook']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    expect((await gql(LIST, { filter: { jobId: jobs[1]!.id } })).postings.edges).toEqual([
      { node: { id: postings[1].id, job: { title: 'Engineer' } } },
    ]);
    expect((await gql(LIST, { filter: { contractId, status: ['FAILED'] } })).postings.edges).toEqual([]);
    expect((await gql(LIST, { filter: { boardId: 'le-forem' } })).postings.edges).toEqual([]);
    expect((await gql(LIST, { filter: { contractId } }, otherAdmin)).postings.edges).toEqual([]);
    expect(
      (await gql('query ($id: ID!) { node(id: $id) { id } }', { id: postings[0].id }, otherAdmin)).node,
    ).toBeNull();
  });
});

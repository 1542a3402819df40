import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { localId, QUEUED_OR_FURTHER } from './support/graphql.ts';
import {
  createTestDatabase,
  eventually,
  startTestServer,
  subscribe,
  type TestDatabase,
  type TestServer,
} from './support/server.ts';

let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let server: TestServer;
let token: string;

const env = () => ({
  BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
  BOARD_BASE_URLS: `fjord-jobs=${fjord.url}`,
  WORKER_POLL_MS: '50',
  DELIVERY_RETRY_BASE_MS: '20',
  STATUS_POLL_BASE_MS: '100',
  DELIVERY_MAX_ATTEMPTS: '4',
  DELIVERY_RETRY_MAX_MS: '200',
});

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({ env: env() });
  token = await server.tokenFor('lifecycle');
});
afterAll(async () => {
  await server?.stop();
  await fjord?.close();
});

const gql = (query: string, variables?: Record<string, unknown>, on = server, as = token) =>
  on.data(query, variables, as);

async function contract(credits = 10, on = server, as = token) {
  const data = await gql(
    `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id } } }`,
    {
      input: {
        environment: 'SANDBOX',
        termsAccepted: true,
        credits,
        credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
      },
    },
    on,
    as,
  );
  return data.connectFjordJobs.id as string;
}

async function job(title = 'Ferry captain', on = server, as = token) {
  const data = await gql(
    `mutation ($title: String!) { createJob(input: { title: $title, description: "<p>Sail.</p>", location: { city: "Ålesund" } }) { ... on Job { id } } }`,
    { title },
    on,
    as,
  );
  return data.createJob.id as string;
}

const POSTING = 'id status withdrawalQueued externalId rejectionReason lastError events { type to message }';
const RESULT = `__typename ... on Posting { ${POSTING} } ... on Error { message }`;
// `status` on Posting and the state error's own name compose in one selection over the union.
const CHANGE_RESULT = `__typename ... on Posting { ${POSTING} } ... on PostingStateError { postingStatus } ... on Error { message }`;

async function publish(
  jobId: string,
  contractId: string,
  boardFields: Record<string, unknown> = { sector: 'FISHERIES' },
  on = server,
  as = token,
) {
  return (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ${RESULT} ... on ValidationError { fieldErrors { path } } } }`,
      { input: { jobId, contractId, boardFields } },
      on,
      as,
    )
  ).publishPosting;
}

const mutate = async (name: string, id: string, extra = '', variables: Record<string, unknown> = {}) =>
  (
    await gql(
      `mutation ($id: ID!${extra ? `, ${extra}` : ''}) { ${name}(id: $id${extra ? ', boardFields: $boardFields' : ''}) { ${CHANGE_RESULT} } }`,
      { id, ...variables },
    )
  )[name];

const read = async (id: string) =>
  (await gql(`query ($id: ID!) { posting(id: $id) { ${POSTING} contract { credits { used remaining } } } }`, { id }))
    .posting;

async function until(id: string, status: string) {
  await eventually(async () => (await read(id)).status === status, 15_000, `posting ${id} to be ${status}`);
  return read(id);
}

describe('updating and withdrawing', () => {
  test('an update is delivered after the publication, a withdrawal after the update, in order', async () => {
    const contractId = await contract();
    const posting = await publish(await job(), contractId);
    const published = await until(posting.id, 'PUBLISHED');

    fjord.setLatency(150);
    try {
      const updated = await mutate('updatePosting', posting.id, '$boardFields: JSON', {
        boardFields: { sector: 'ENERGY' },
      });
      expect(updated.status).toBe('UPDATE_QUEUED');
      const withdrawing = await mutate('withdrawPosting', posting.id);
      expect(withdrawing.__typename).toBe('Posting');
      // Still live while the withdrawal waits behind the update, and the answer says it is on its way.
      expect(withdrawing).toMatchObject({ status: 'UPDATE_QUEUED', withdrawalQueued: true });
      const done = await until(posting.id, 'WITHDRAWN');
      expect(done.withdrawalQueued).toBe(false);
      expect(done.events.map((event: { type: string; to: string | null }) => event.to ?? event.type)).toEqual([
        'QUEUED',
        'SUBMITTED',
        'PUBLISHED',
        'UPDATE_QUEUED',
        'WITHDRAWAL_QUEUED',
        'PUBLISHED',
        'WITHDRAWN',
      ]);
    } finally {
      fjord.setLatency(0);
    }
    const onBoard = fjord.state.jobs.get(published.externalId)!;
    expect(onBoard).toMatchObject({ sector: 'ENERGY', status: 'CLOSED' });
    expect(fjord.updates).toContain(published.externalId);

    expect(await mutate('withdrawPosting', posting.id)).toEqual({
      __typename: 'PostingStateError',
      postingStatus: 'WITHDRAWN',
      message: 'The posting is already WITHDRAWN.',
    });
    expect((await mutate('updatePosting', posting.id, '$boardFields: JSON', { boardFields: {} })).__typename).toBe(
      'PostingStateError',
    );
  });

  test('closing the job closes it everywhere: its live postings are withdrawn from every board', async () => {
    const [first, second] = [await contract(), await contract()];
    const jobId = await job('Deckhand for the winter');
    const [a, b] = [await publish(jobId, first), await publish(jobId, second)];
    const onBoard = [(await until(a.id, 'PUBLISHED')).externalId, (await until(b.id, 'PUBLISHED')).externalId];
    const closed = await gql(
      `mutation ($id: ID!) { updateJob(id: $id, input: { status: CLOSED }) { ... on Job { status postings(first: 5) { edges { node { id status withdrawalQueued } } } } } }`,
      { id: jobId },
    );
    expect(closed.updateJob.status).toBe('CLOSED');
    // Each withdrawal is on its way, or already done if a worker was quicker than this answer.
    for (const { node } of closed.updateJob.postings.edges)
      expect(node.withdrawalQueued || node.status === 'WITHDRAWN', JSON.stringify(node)).toBe(true);
    await Promise.all([until(a.id, 'WITHDRAWN'), until(b.id, 'WITHDRAWN')]);
    expect(onBoard.map((externalId) => fjord.state.jobs.get(externalId)!.status)).toEqual(['CLOSED', 'CLOSED']);
  });

  test('an ended posting is reposted with its last board fields: a new posting linked to the old one, one new credit', async () => {
    const contractId = await contract(3);
    const posting = await publish(await job('Net mender'), contractId);
    await until(posting.id, 'PUBLISHED');
    const REPOST = `mutation ($id: ID!, $fields: JSON) { repostPosting(id: $id, boardFields: $fields) { __typename ... on Posting { id status boardFields repostOf { id } } ... on PostingStateError { postingStatus message } } }`;
    expect((await gql(REPOST, { id: posting.id })).repostPosting).toMatchObject({
      __typename: 'PostingStateError',
      postingStatus: 'PUBLISHED',
    });
    await mutate('withdrawPosting', posting.id);
    await until(posting.id, 'WITHDRAWN');

    const repost = (await gql(REPOST, { id: posting.id, fields: { remote: true } })).repostPosting;
    expect(repost).toMatchObject({
      __typename: 'Posting',
      status: QUEUED_OR_FURTHER,
      repostOf: { id: posting.id },
      boardFields: { sector: 'FISHERIES', remote: true, municipality: 'Ålesund' },
    });
    const live = await until(repost.id, 'PUBLISHED');
    expect(live.contract.credits).toEqual({ used: 2, remaining: 1 });
    expect((await read(posting.id)).status).toBe('WITHDRAWN');
    const actions = await gql(
      `query ($old: ID!, $new: ID!) { old: posting(id: $old) { nextAction { code message } } new: posting(id: $new) { nextAction { code message } } }`,
      { old: posting.id, new: repost.id },
    );
    expect(actions).toEqual({
      old: { nextAction: { code: 'NOTHING', message: 'Taken off Fjord Jobs.' } },
      new: { nextAction: { code: 'NOTHING', message: 'Live on Fjord Jobs.' } },
    });
  });

  test('scheduled: published at its time, closed at its time; withdrawn before its time, it is cancelled with its credit', async () => {
    const contractId = await contract(5);
    const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const SCHEDULE = `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename
      ... on Posting { id status publishAt closeAt nextAction { code message } events { message } } ... on ValidationError { fieldErrors { path message } } } }`;
    const schedule = async (title: string, times: { publishAt?: string; closeAt?: string }) =>
      (
        await gql(SCHEDULE, {
          input: { jobId: await job(title), contractId, boardFields: { sector: 'FISHERIES' }, ...times },
        })
      ).publishPosting;

    const wrong = await schedule('Too late', { publishAt: inSeconds(-60), closeAt: inSeconds(-30) });
    expect(wrong.fieldErrors.map((error: { path: string[] }) => error.path.join('.'))).toEqual([
      'input.publishAt',
      'input.closeAt',
    ]);

    const scheduled = await schedule('Skipper for the season', { publishAt: inSeconds(2), closeAt: inSeconds(8) });
    expect(scheduled.status).toBe('QUEUED');
    expect(scheduled.events.at(-1).message).toMatch(/^Scheduled for Fjord Jobs at \d{4}-/);
    expect(scheduled.nextAction).toEqual({
      code: 'WAIT_FOR_DELIVERY',
      message: `Scheduled: it goes to Fjord Jobs at ${scheduled.publishAt.replace('T', ' ').slice(0, 16)} UTC.`,
    });
    // The publication waits in the outbox until its time.
    const rowId = localId(scheduled.id);
    const outbox = await server.app.db.prisma.boardOutbox.findFirstOrThrow({
      where: { postingId: rowId, operation: 'PUBLISH' },
    });
    expect(outbox.availableAt.toISOString()).toBe(scheduled.publishAt);
    await until(scheduled.id, 'PUBLISHED');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(scheduled.publishAt));
    const closed = await until(scheduled.id, 'WITHDRAWN');
    expect(closed.events.map((event: { message: string | null }) => event.message)).toContain(
      'Closed at its scheduled time.',
    );

    const later = await schedule('Cook for next year', { publishAt: inSeconds(3600) });
    const cancelled = await mutate('withdrawPosting', later.id);
    expect(cancelled.status).toBe('WITHDRAWN');
    expect((await read(later.id)).contract.credits).toEqual({ used: 1, remaining: 4 });
  });

  test('closed with its contract: closeAt follows the contract expiry date, renewals included, and it is withdrawn then', async () => {
    const PUBLISH = `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename
      ... on Posting { id closeAt closeWithContract events { message } } ... on ValidationError { fieldErrors { path message } } } }`;
    const publishClosing = async (contractId: string, title: string) =>
      (
        await gql(PUBLISH, {
          input: { jobId: await job(title), contractId, boardFields: { sector: 'FISHERIES' }, closeWithContract: true },
        })
      ).publishPosting;
    const endless = await publishClosing(await contract(), 'Without an end');
    expect(endless.fieldErrors).toEqual([
      { path: ['input', 'closeWithContract'], message: 'the contract has no expiry date' },
    ]);

    const contractId = await contract();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const UPDATE = `mutation ($id: ID!, $expiresAt: DateTime) { updateContract(id: $id, input: { expiresAt: $expiresAt }) { __typename } }`;
    await gql(UPDATE, { id: contractId, expiresAt: inAnHour });
    const posting = await publishClosing(contractId, 'Until the contract ends');
    expect(posting).toMatchObject({ __typename: 'Posting', closeAt: inAnHour, closeWithContract: true });
    expect(posting.events.map((event: { message: string }) => event.message)).toContain(
      `Queued for Fjord Jobs. Closes when the contract expires (now ${inAnHour}).`,
    );
    await until(posting.id, 'PUBLISHED');

    // The contract is cut short: the posting's closing time follows, and it is taken off then.
    const soon = new Date(Date.now() + 3000).toISOString();
    await gql(UPDATE, { id: contractId, expiresAt: soon });
    const moved = await gql('query ($id: ID!) { posting(id: $id) { closeAt } }', { id: posting.id });
    expect(moved.posting.closeAt).toBe(soon);
    const closed = await until(posting.id, 'WITHDRAWN');
    expect(closed.events.map((event: { message: string | null }) => event.message)).toContain(
      'Closed: its contract expired.',
    );
  });

  test('a scheduled close is set, moved and cancelled on a live posting, each in its log', async () => {
    const posting = await publish(await job('Harbour pilot'), await contract());
    await until(posting.id, 'PUBLISHED');
    const SCHEDULE = `mutation ($id: ID!, $closeAt: DateTime, $withContract: Boolean) {
      schedulePostingClose(id: $id, closeAt: $closeAt, withContract: $withContract) { __typename
        ... on Posting { closeAt closeWithContract events { type message } } ... on ValidationError { fieldErrors { path message } } } }`;
    const schedule = async (variables: Record<string, unknown>) =>
      (await gql(SCHEDULE, { id: posting.id, ...variables })).schedulePostingClose;

    expect((await schedule({ closeAt: new Date(Date.now() - 1000).toISOString() })).fieldErrors).toEqual([
      { path: ['closeAt'], message: 'must be after the publication, within a year' },
    ]);
    expect((await schedule({ withContract: true })).fieldErrors).toEqual([
      { path: ['withContract'], message: 'the contract has no expiry date' },
    ]);
    const inADay = new Date(Date.now() + 86_400_000).toISOString();
    const set = await schedule({ closeAt: inADay });
    expect(set).toMatchObject({ closeAt: inADay, closeWithContract: false });
    expect(set.events.at(-1)).toEqual({ type: 'CLOSE_SCHEDULED', message: `Closes at ${inADay}.` });
    const cancelled = await schedule({});
    expect(cancelled.closeAt).toBeNull();
    expect(cancelled.events.at(-1)).toEqual({
      type: 'CLOSE_SCHEDULED',
      message: 'No closing time: it stays until taken off.',
    });
    expect((await read(posting.id)).status).toBe('PUBLISHED');
  });

  test('scheduled ahead, the server restarts in between: the posting goes live at its time, once', async () => {
    const database: TestDatabase = await createTestDatabase();
    const first = await startTestServer({ database, env: env() });
    const admin = await first.tokenFor('restarts');
    const contractId = await contract(2, first, admin);
    const publishAt = new Date(Date.now() + 3000);
    const { publishPosting } = await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id status } } }`,
      {
        input: {
          jobId: await job('Lighthouse keeper', first, admin),
          contractId,
          boardFields: { sector: 'FISHERIES' },
          publishAt: publishAt.toISOString(),
        },
      },
      first,
      admin,
    );
    expect(publishPosting.status).toBe('QUEUED');
    const jobsBefore = fjord.state.jobs.size;
    await first.stop();
    // Stopped before the time came: nothing reached the board.
    if (Date.now() < publishAt.getTime()) expect(fjord.state.jobs.size).toBe(jobsBefore);

    const second = await startTestServer({ database, env: env() });
    try {
      const status = async () =>
        (await gql('query ($id: ID!) { posting(id: $id) { status } }', { id: publishPosting.id }, second, admin))
          .posting.status;
      await eventually(async () => (await status()) === 'PUBLISHED', 30_000, 'the scheduled posting to go live');
      const published = await second.app.db.prisma.postingEvent.findFirstOrThrow({
        where: { postingId: localId(publishPosting.id), toStatus: 'PUBLISHED' },
      });
      expect(published.createdAt.getTime()).toBeGreaterThanOrEqual(publishAt.getTime());
      expect(fjord.state.jobs.size - jobsBefore).toBe(1);
    } finally {
      await second.stop();
      await database.drop();
    }
  });

  test('invalid board fields on update are a ValidationError and change nothing', async () => {
    const posting = await publish(await job(), await contract());
    await until(posting.id, 'PUBLISHED');
    const refused = await gql(
      'mutation ($id: ID!) { updatePosting(id: $id, boardFields: { sector: "MINING" }) { ... on ValidationError { fieldErrors { path } } } }',
      { id: posting.id },
    );
    expect(refused.updatePosting.fieldErrors).toEqual([{ path: ['boardFields', 'sector'] }]);
    expect((await read(posting.id)).status).toBe('PUBLISHED');
  });

  test('a posting withdrawn before it was sent is cancelled at once and its credit comes back', async () => {
    const database: TestDatabase = await createTestDatabase();
    const idle = await startTestServer({ database, env: { ...env(), WORKER: 'false' } });
    try {
      const admin = await idle.tokenFor('idle');
      const contractId = await contract(1, idle, admin);
      const posting = await publish(await job('Pilot', idle, admin), contractId, undefined, idle, admin);
      expect(posting.status).toBe('QUEUED');
      const withdrawn = (
        await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ${RESULT} } }`, { id: posting.id }, idle, admin)
      ).withdrawPosting;
      expect(withdrawn.status).toBe('WITHDRAWN');
      const credits = (
        await gql(
          'query ($id: ID!) { contract(id: $id) { credits { used remaining } } }',
          { id: contractId },
          idle,
          admin,
        )
      ).contract.credits;
      expect(credits).toEqual({ used: 0, remaining: 1 });
      expect(await idle.app.db.prisma.boardOutbox.count({ where: { status: 'PENDING' } })).toBe(0);
    } finally {
      await idle.stop();
      await database.drop();
    }
  });
});

describe('retrying', () => {
  test('a FAILED posting is queued again with its first idempotency key, spending one credit in the end', async () => {
    const contractId = await contract(1);
    fjord.inject({ type: 'error', status: 422 }, { method: 'POST', pathPrefix: '/v1/employers/123456/jobs' });
    const posting = await publish(await job(), contractId);
    const failed = await until(posting.id, 'FAILED');
    expect(failed.contract.credits).toEqual({ used: 0, remaining: 1 });
    // A correction is checked like a publication: an invalid one changes nothing (it stays FAILED).
    expect(
      (await mutate('updatePosting', posting.id, '$boardFields: JSON', { boardFields: { sector: 'MINING' } }))
        .__typename,
    ).toBe('ValidationError');
    expect((await mutate('retryPosting', posting.id)).status).toEqual(QUEUED_OR_FURTHER);
    const published = await until(posting.id, 'PUBLISHED');
    expect(published.contract.credits).toEqual({ used: 1, remaining: 0 });
    expect(published.events.map((event: { type: string; to: string | null }) => event.to ?? event.type)).toEqual([
      'QUEUED',
      'SUBMITTED',
      'FAILED',
      'RETRIED',
      'QUEUED',
      'SUBMITTED',
      'PUBLISHED',
    ]);
    expect((await mutate('retryPosting', posting.id)).__typename).toBe('PostingStateError');
  });
});

describe('giving up', () => {
  test('a board that keeps failing: after DELIVERY_MAX_ATTEMPTS the posting is FAILED with the last error and the credit returns', async () => {
    const contractId = await contract(1);
    fjord.inject({ type: 'error', status: 503 }, { times: 4, method: 'POST', pathPrefix: '/v1/employers/123456/jobs' });
    const posting = await publish(await job(), contractId);
    const failed = await until(posting.id, 'FAILED');
    expect(failed.lastError).toMatch(/server error \(503\)/);
    expect(failed.events.filter((event: { type: string }) => event.type === 'DELIVERY_RETRY')).toHaveLength(3);
    expect(failed.contract.credits).toEqual({ used: 0, remaining: 1 });
  });
});

describe('deleting a job', () => {
  test('is refused while it has a live posting, and allowed once it is withdrawn', async () => {
    const jobId = await job('To delete');
    const posting = await publish(jobId, await contract());
    await until(posting.id, 'PUBLISHED');
    const DELETE =
      'mutation ($id: ID!) { deleteJob(id: $id) { __typename ... on DeletedJob { id } ... on JobInUse { livePostings } } }';
    expect((await gql(DELETE, { id: jobId })).deleteJob).toEqual({ __typename: 'JobInUse', livePostings: 1 });
    await mutate('withdrawPosting', posting.id);
    await until(posting.id, 'WITHDRAWN');
    expect((await gql(DELETE, { id: jobId })).deleteJob).toEqual({ __typename: 'DeletedJob', id: jobId });
    expect((await gql('query ($id: ID!) { job(id: $id) { id } }', { id: jobId })).job).toBeNull();
  });
});

describe('linking an existing board posting', () => {
  const LINK = `mutation ($jobId: ID!, $contractId: ID!, $externalId: String!) { linkExistingPosting(jobId: $jobId, contractId: $contractId, externalId: $externalId) { ${RESULT} } }`;

  test('a posting made on the board is linked once the board confirms it; no credit is spent', async () => {
    const contractId = await contract(1);
    const direct = fjord.createDirectly('123456', 'Made on Fjord Jobs');
    const linked = (await gql(LINK, { jobId: await job(), contractId, externalId: direct.id })).linkExistingPosting;
    expect(linked).toMatchObject({ __typename: 'Posting', status: 'PUBLISHED', externalId: direct.id });
    expect((await read(linked.id)).contract.credits).toEqual({ used: 0, remaining: 1 });

    // Updating it fills the board fields from the job as publishing would: only what changes need be sent.
    const updated = await mutate('updatePosting', linked.id, '$boardFields: JSON', {
      boardFields: { sector: 'ENERGY' },
    });
    expect(updated).toMatchObject({ __typename: 'Posting', status: 'UPDATE_QUEUED' });
    const after = await gql(`query ($id: ID!) { posting(id: $id) { boardFields } }`, { id: linked.id });
    expect(after.posting.boardFields).toEqual({ sector: 'ENERGY', remote: false, municipality: 'Ålesund' });
  });

  test('one board posting is linked to one live posting: to another job, or through a second contract of the account, it is PostingExists', async () => {
    const [first, second] = [await contract(), await contract()];
    const direct = fjord.createDirectly('123456', 'Linked once');
    const linked = (await gql(LINK, { jobId: await job(), contractId: first, externalId: direct.id }))
      .linkExistingPosting;
    expect(linked.__typename).toBe('Posting');
    const before = await server.app.db.prisma.posting.count();
    const again = await Promise.all([
      gql(LINK, { jobId: await job(), contractId: first, externalId: direct.id }),
      gql(LINK, { jobId: await job(), contractId: second, externalId: direct.id }),
    ]);
    for (const { linkExistingPosting } of again) {
      expect(linkExistingPosting).toMatchObject({
        __typename: 'PostingExists',
        message: `The Fjord Jobs posting ${direct.id} is already linked to a live posting.`,
      });
    }
    expect(await server.app.db.prisma.posting.count()).toBe(before);
  });

  test("an unknown id, or another employer's posting, is not found; nothing is stored", async () => {
    const contractId = await contract();
    const jobId = await job();
    const before = await server.app.db.prisma.posting.count();
    const unknown = (await gql(LINK, { jobId, contractId, externalId: 'fj-9999' })).linkExistingPosting;
    expect(unknown).toMatchObject({
      __typename: 'NotFoundError',
      message: expect.stringMatching(/posting on Fjord Jobs/),
    });
    const foreign = fjord.createDirectly('654321', "Somebody else's");
    expect((await gql(LINK, { jobId, contractId, externalId: foreign.id })).linkExistingPosting.__typename).toBe(
      'NotFoundError',
    );
    expect(await server.app.db.prisma.posting.count()).toBe(before);
  });

  test('a board that fails while a link is checked answers BoardUnavailableError, retryable; nothing is stored', async () => {
    const contractId = await contract();
    const jobId = await job();
    const direct = fjord.createDirectly('123456', 'Checked while Fjord Jobs is down');
    const before = await server.app.db.prisma.posting.count();
    const LINK_FAILURE = `mutation ($jobId: ID!, $contractId: ID!, $externalId: String!) {
      linkExistingPosting(jobId: $jobId, contractId: $contractId, externalId: $externalId) { __typename ... on BoardUnavailableError { message retryable } }
    }`;
    fjord.inject({ type: 'error', status: 503 }, { method: 'GET', pathPrefix: '/v1/employers/123456/jobs' });
    expect((await gql(LINK_FAILURE, { jobId, contractId, externalId: direct.id })).linkExistingPosting).toEqual({
      __typename: 'BoardUnavailableError',
      message: 'Fjord Jobs answered with a server error (503).',
      retryable: true,
    });
    fjord.inject({ type: 'reset' }, { method: 'GET', pathPrefix: '/v1/employers/123456/jobs' });
    expect((await gql(LINK_FAILURE, { jobId, contractId, externalId: direct.id })).linkExistingPosting).toMatchObject({
      __typename: 'BoardUnavailableError',
      retryable: true,
    });
    expect(await server.app.db.prisma.posting.count()).toBe(before);
  });
});

describe('reviews by a board without push', () => {
  test('the worker polls the board: a rejection and an approval arrive live, on both review subscriptions', async () => {
    const contractId = await contract();
    const generic = subscribe(
      server.wsClient({ token }),
      'subscription { postingReviewed { approved reason posting { id status } } }',
    );
    const own = subscribe(
      server.wsClient({ token }),
      'subscription { fjordJobsPostingReviewed { approved reason posting { id } } }',
    );
    await Promise.all([generic.ready, own.ready]);

    const rejected = await publish(await job('Harbour master'), contractId, { sector: 'PUBLIC' });
    const approved = await publish(await job('Lighthouse keeper'), contractId, { sector: 'PUBLIC' });
    const inReview = await until(rejected.id, 'PENDING_REVIEW');
    const second = await until(approved.id, 'PENDING_REVIEW');

    fjord.review(inReview.externalId, false, 'The salary is missing.');
    fjord.review(second.externalId, true);
    const done = await until(rejected.id, 'REJECTED');
    expect(done.rejectionReason).toBe('The salary is missing.');
    await until(approved.id, 'PUBLISHED');

    await generic.waitFor(2);
    await own.waitFor(2);
    const verdicts = generic.received.map((result) => result.data?.postingReviewed);
    expect(verdicts).toEqual(
      expect.arrayContaining([
        { approved: false, reason: 'The salary is missing.', posting: { id: rejected.id, status: 'REJECTED' } },
        { approved: true, reason: null, posting: { id: approved.id, status: 'PUBLISHED' } },
      ]),
    );
    expect(own.received.map((result) => result.data?.fjordJobsPostingReviewed.posting.id).sort()).toEqual(
      [rejected.id, approved.id].sort(),
    );
  });
});

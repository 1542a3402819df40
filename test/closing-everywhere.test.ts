import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { startTopcvSimulator, TOPCV_EMPLOYERS } from '../src/plugins/topcv/simulator.ts';
import { connectFjord, fjordEnv } from './support/fjord.ts';
import { createJobId, graphqlAs } from './support/graphql.ts';
import { eventually, startTestServer, type TestServer, stopAll } from './support/server.ts';

// A job published on three boards of three kinds: Fjord Jobs (an API that fails for a while), TopCV (an API with
// moderation and push) and InGoedeBanen (a feed the board reads).
let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;
let token: string;
let contracts: { fjord: string; topcv: string; igb: { id: string; feedUrl: string } };
const [topcvKey, topcvEmployer] = Object.entries(TOPCV_EMPLOYERS)[0]!;

beforeAll(async () => {
  [fjord, topcv] = await Promise.all([startFjordJobsSimulator(), startTopcvSimulator({ autoReviewMs: 100 })]);
  server = await startTestServer({
    env: fjordEnv(fjord.url, {
      BOARD_BASE_URLS: `fjord-jobs=${fjord.url},topcv=${topcv.url}`,
      BOARD_TIMEOUT_MS: '2000',
      DELIVERY_RETRY_BASE_MS: '20',
      DELIVERY_RETRY_MAX_MS: '100',
      DELIVERY_MAX_ATTEMPTS: '5',
      STATUS_POLL_BASE_MS: '600000',
    }),
  });
  token = await server.tokenFor('closing');
  const { connectTopcv } = await gql(
    `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl } } }`,
    {
      input: {
        environment: 'PRODUCTION',
        credits: 5,
        credentials: { employerApiKey: topcvKey, secretKey: topcvEmployer.secretKey },
      },
    },
  );
  topcv.setWebhookUrl(topcvKey, connectTopcv.webhookUrl);
  const { connectIngoedebanen } = await gql(
    `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { ... on Contract { id feedUrl } } }`,
    {
      input: {
        environment: 'PRODUCTION',
        credentials: { email: 'vacatures@acme.example', clientId: '40213', publicationMode: 'DEDICATED_MEDIUM' },
      },
    },
  );
  contracts = { fjord: await connectFjord(server, token), topcv: connectTopcv.id, igb: connectIngoedebanen };
});
afterAll(() => stopAll(server, fjord, topcv));

const gql = graphqlAs(
  () => server,
  () => token,
);

const DESCRIPTION =
  '<p>Run the night shift of our harbour warehouse: plan the team, check the loads and keep everyone safe.</p>';
const FIELDS = {
  fjord: { sector: 'FISHERIES' },
  topcv: { job_family_category: 'SALES', locations: [{ province_id: 'VN-HN' }] },
  igb: {},
};

const POSTING =
  'id status externalId boardFields withdrawalQueued nextAction { code message } events { type to message }';

async function publish(jobId: string, board: keyof typeof FIELDS) {
  const contractId = board === 'igb' ? contracts.igb.id : contracts[board];
  const { publishPosting } = await gql(
    `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { ${POSTING} } ... on Error { message } } }`,
    { input: { jobId, contractId, boardFields: FIELDS[board] } },
  );
  expect(publishPosting.__typename, JSON.stringify(publishPosting)).toBe('Posting');
  return publishPosting;
}

const read = async (id: string) =>
  (await gql(`query ($id: ID!) { posting(id: $id) { ${POSTING} contract { credits { used } } } }`, { id })).posting;

async function until(id: string, ready: (posting: Record<string, any>) => boolean, what: string) {
  await eventually(async () => ready(await read(id)), 30_000, what);
  return read(id);
}

const feedHolds = async (externalId: string) =>
  (await (await fetch(contracts.igb.feedUrl)).text()).includes(externalId);

describe('closing a job closes it everywhere', () => {
  test('postings on three boards, one failing for a while: all withdrawn, none left live', async () => {
    const jobId = await createJobId(gql, {
      title: 'Harbour night lead',
      description: DESCRIPTION,
      location: { city: 'Ålesund' },
    });
    const postings = {
      fjord: await publish(jobId, 'fjord'),
      topcv: await publish(jobId, 'topcv'),
      igb: await publish(jobId, 'igb'),
    };
    const live = await Promise.all(
      Object.values(postings).map((posting) =>
        until(posting.id, (now) => now.status === 'PUBLISHED', `${posting.id} to go live`),
      ),
    );
    expect(live.map((posting) => posting.nextAction.code)).toEqual(['NOTHING', 'NOTHING', 'NOTHING']);
    const [fjordId, topcvId, igbId] = live.map((posting) => posting.externalId as string);
    expect(await feedHolds(igbId!)).toBe(true);

    // Fjord Jobs answers the first three withdrawals with 503.
    fjord.inject({ type: 'error', status: 503 }, { times: 3, method: 'DELETE' });
    const closed = await gql(
      `mutation ($id: ID!) { updateJob(id: $id, input: { status: CLOSED }) { ... on Job { status } } }`,
      { id: jobId },
    );
    expect(closed.updateJob.status).toBe('CLOSED');
    // The feed drops it at once.
    expect((await read(postings.igb.id)).status).toBe('WITHDRAWN');
    expect(await feedHolds(igbId!)).toBe(false);

    const ended = await Promise.all(
      [postings.fjord, postings.topcv].map((posting) =>
        until(posting.id, (now) => now.status === 'WITHDRAWN', `${posting.id} to be withdrawn`),
      ),
    );
    expect(ended.map((posting) => posting.nextAction)).toEqual([
      { code: 'NOTHING', message: 'Taken off Fjord Jobs.' },
      { code: 'NOTHING', message: 'Taken off TopCV.' },
    ]);
    // Fjord Jobs' withdrawal was retried until the board took it, and the log says so.
    // (At least: a busy machine can add a timeout of its own.)
    const retries = ended[0]!.events.filter((event: { type: string }) => event.type === 'DELIVERY_RETRY');
    expect(retries.length).toBeGreaterThanOrEqual(3);
    const deletes = fjord.calls.filter((call) => call.method === 'DELETE' && call.path.endsWith(fjordId!));
    expect(deletes.length).toBeGreaterThanOrEqual(4);
    expect(fjord.state.jobs.get(fjordId!)!.status).toBe('CLOSED');
    expect(topcv.jobs.get(Number(topcvId))!.status).not.toBe('displaying');
  });

  test('a withdrawal that keeps failing is something to do, not silence: WITHDRAW_AGAIN, then withdrawn', async () => {
    const jobId = await createJobId(gql, {
      title: 'Crane operator',
      description: DESCRIPTION,
      location: { city: 'Ålesund' },
    });
    const posting = await publish(jobId, 'fjord');
    await until(posting.id, (now) => now.status === 'PUBLISHED', 'the posting to go live');
    fjord.inject({ type: 'error', status: 503 }, { times: 5, method: 'DELETE' });
    await gql(`mutation ($id: ID!) { updateJob(id: $id, input: { status: CLOSED }) { __typename } }`, { id: jobId });

    const stuck = await until(posting.id, (now) => now.nextAction.code === 'WITHDRAW_AGAIN', 'the withdrawal to fail');
    expect(stuck.status).toBe('PUBLISHED');
    expect(stuck.nextAction.message).toMatch(/^Fjord Jobs did not take the posting off .*: withdraw it again\.$/);
    const again = await gql(
      `mutation ($id: ID!) { withdrawPosting(id: $id) { __typename ... on Posting { withdrawalQueued } } }`,
      { id: posting.id },
    );
    expect(again.withdrawPosting).toEqual({ __typename: 'Posting', withdrawalQueued: true });
    const withdrawn = await until(posting.id, (now) => now.status === 'WITHDRAWN', 'the second withdrawal');
    expect(withdrawn.nextAction.code).toBe('NOTHING');
  });
});

describe('repost', () => {
  test('an expired posting is reposted with its old fields, goes live, and takes one new credit', async () => {
    const jobId = await createJobId(gql, {
      title: 'Forklift driver',
      description: DESCRIPTION,
      location: { city: 'Ålesund' },
    });
    const posting = await publish(jobId, 'topcv');
    const live = await until(posting.id, (now) => now.status === 'PUBLISHED', 'the posting to go live');
    const before = live.contract.credits.used;
    await topcv.expire(Number(live.externalId));
    const expired = await until(posting.id, (now) => now.status === 'EXPIRED', 'TopCV to end it');
    expect(expired.nextAction.code).toBe('REPOST');

    const { repostPosting } = await gql(
      `mutation ($id: ID!) { repostPosting(id: $id) { __typename ... on Posting { id boardFields repostOf { id } } } }`,
      { id: posting.id },
    );
    expect(repostPosting).toMatchObject({ __typename: 'Posting', repostOf: { id: posting.id } });
    expect(repostPosting.boardFields).toEqual(expired.boardFields);
    const again = await until(repostPosting.id, (now) => now.status === 'PUBLISHED', 'the repost to go live');
    expect(again.externalId).not.toBe(live.externalId);
    expect(again.contract.credits.used).toBe(before + 1);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { fjordDelivery, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { connectFjord, fjordEnv } from './support/fjord.ts';
import { graphqlAs } from './support/graphql.ts';
import { eventually, startTestServer, stopAll, subscribe, type TestServer } from './support/server.ts';

// Screening questions: set on the job, sent to boards that take them, asked on the hosted application page, and
// the answers carried by the application, candidateReceived and the candidate.received event webhook.
let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let server: TestServer;
let token: string;

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({ env: fjordEnv(fjord.url) });
  token = await server.tokenFor('screening');
});
afterAll(() => stopAll(server, fjord));

const gql = graphqlAs(
  () => server,
  () => token,
);

const QUESTIONS = [
  { id: 'motivation', text: 'Why this job?', kind: 'FREE_TEXT', required: true },
  { id: 'shift', text: 'Which shift?', kind: 'SINGLE_CHOICE', options: ['Day', 'Night'], required: true },
  {
    id: 'forklifts',
    text: 'Which forklifts can you drive?',
    kind: 'MULTIPLE_CHOICE',
    options: ['Reach', 'Counterbalance', 'Pallet'],
  },
  { id: 'licence', text: 'Do you hold a forklift licence?', kind: 'YES_NO', required: true, knockOutAnswer: false },
];

const CREATE = `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename
  ... on Job { id questions { id text kind options required knockOutAnswer } }
  ... on ValidationError { fieldErrors { path message } } } }`;

async function jobWithQuestions(title: string) {
  const { createJob } = await gql(CREATE, {
    input: {
      title,
      description: '<p>Keep the warehouse moving at night.</p>',
      location: { city: 'Bergen' },
      questions: QUESTIONS,
    },
  });
  expect(createJob.__typename).toBe('Job');
  return createJob;
}

describe('screening questions', () => {
  test('are validated on the job, with the path of each problem; nothing is stored', async () => {
    const { createJob } = await gql(CREATE, {
      input: {
        title: 'Wrongly asked',
        description: '<p>x</p>',
        questions: [
          { id: 'Shift', text: 'Which shift?', kind: 'SINGLE_CHOICE', options: ['Day'] },
          { id: 'why', text: 'Why?', kind: 'FREE_TEXT', knockOutAnswer: true },
          { id: 'why', text: 'Why again?', kind: 'FREE_TEXT' },
        ],
      },
    });
    expect(createJob.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'input.questions',
      'input.questions.0.id',
      'input.questions.0.options',
      'input.questions.1.knockOutAnswer',
    ]);
    expect((await gql('{ jobs(first: 5) { edges { node { id } } } }')).jobs.edges).toEqual([]);
  });

  test('a board that takes questions receives them with the publication', async () => {
    const job = await jobWithQuestions('Forklift driver (nights)');
    expect(job.questions[3]).toEqual({ ...QUESTIONS[3], options: [] });
    const { publishPosting } = await gql(
      'mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }',
      { input: { jobId: job.id, contractId: await connectFjord(server, token), boardFields: { sector: 'ENERGY' } } },
    );
    await eventually(
      async () =>
        (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: publishPosting.id })).posting
          .externalId !== null,
    );
    const { externalId } = (
      await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: publishPosting.id })
    ).posting;
    expect(fjord.state.jobs.get(externalId)!.questions.map((question) => [question.id, question.kind])).toEqual(
      QUESTIONS.map((question) => [question.id, question.kind]),
    );
  });

  test('the hosted page asks them; the answers reach the application, candidateReceived and the event webhook', async () => {
    await gql(
      'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename } }',
      { input: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['CANDIDATE_RECEIVED'] } },
    );
    const job = await jobWithQuestions('Forklift driver (days)');
    const { connectXmlJobFeed: contract } = await gql(
      `mutation ($input: ConnectXmlJobFeedInput!) { connectXmlJobFeed(input: $input) { ... on Contract { id } } }`,
      { input: { environment: 'PRODUCTION', credentials: { publisher: 'Acme Logistics' } } },
    );
    await gql('mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }', {
      input: { jobId: job.id, contractId: contract.id, boardFields: {} },
    });
    const rowId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];
    const page = `${server.url}/apply/${rowId(contract.id)}/${rowId(job.id)}`;
    const html = await (await fetch(page)).text();
    for (const question of QUESTIONS) expect(html).toContain(question.text);
    const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(html)![1]!;
    const form = (answers: [string, string][]) => {
      const data = new FormData();
      const fields: [string, string][] = [
        ['submissionId', submissionId],
        ['name', 'Nils Berg'],
        ['email', 'nils@example.no'],
        ['consent', 'yes'],
        ...answers,
      ];
      for (const [key, value] of fields) data.append(key, value);
      return data;
    };

    // Required questions unanswered, and a choice that was not offered: refused on their questions.
    const refused = await fetch(page, { method: 'POST', body: form([['q.shift', 'Evening']]) });
    expect(refused.status).toBe(400);
    const again = await refused.text();
    expect(again.match(/id="q\.(\w+)-error">([^<]+)</g)).toEqual([
      'id="q.motivation-error">Please answer this question.<',
      'id="q.shift-error">Please choose among the answers offered.<',
      'id="q.licence-error">Please answer this question.<',
    ]);

    const live = subscribe(
      server.wsClient({ authorization: `Bearer ${token}` }),
      'subscription { candidateReceived { application { knockedOut answers { questionId question answer } } } }',
    );
    await live.ready;
    const accepted = await fetch(page, {
      method: 'POST',
      body: form([
        ['q.motivation', 'I like nights.'],
        ['q.shift', 'Night'],
        ['q.forklifts', 'Reach'],
        ['q.forklifts', 'Pallet'],
        ['q.licence', 'no'],
      ]),
    });
    expect(accepted.status).toBe(200);
    const answers = [
      { questionId: 'motivation', question: 'Why this job?', answer: 'I like nights.' },
      { questionId: 'shift', question: 'Which shift?', answer: 'Night' },
      { questionId: 'forklifts', question: 'Which forklifts can you drive?', answer: ['Reach', 'Pallet'] },
      { questionId: 'licence', question: 'Do you hold a forklift licence?', answer: false },
    ];
    await live.waitUntil((results) => results.length > 0, 30_000);
    expect(live.received[0]!.data!.candidateReceived.application).toEqual({ knockedOut: true, answers });
    const { job: read } = await gql(
      'query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { knockedOut answers { answer } } } } } }',
      { id: job.id },
    );
    expect(read.applications.edges).toEqual([
      { node: { knockedOut: true, answers: answers.map(({ answer }) => ({ answer })) } },
    ]);
    const delivery = await server.app.db.prisma.eventDelivery.findFirstOrThrow({
      where: { eventType: 'candidate.received' },
    });
    expect((delivery.payload as { data: Record<string, unknown> }).data).toMatchObject({ answers, knockedOut: true });
  });

  test("a board's answers are judged on arrival; an application waiting for a job is judged against the job it is assigned to", async () => {
    const job = await jobWithQuestions('Forklift driver (weekends)');
    const contractId = await connectFjord(server, token);
    const { contract } = await gql('query ($id: ID!) { contract(id: $id) { webhookUrl } }', { id: contractId });
    const { publishPosting } = await gql(
      'mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }',
      { input: { jobId: job.id, contractId, boardFields: { sector: 'ENERGY' } } },
    );
    const externalId = async () =>
      (await gql('query ($id: ID!) { posting(id: $id) { externalId } }', { id: publishPosting.id })).posting.externalId;
    await eventually(async () => (await externalId()) !== null);
    const applications = async () =>
      (
        await gql(
          'query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { knockedOut candidate { name } } } } } }',
          { id: job.id },
        )
      ).job.applications.edges.map(({ node }: { node: { knockedOut: boolean; candidate: { name: string } } }) => [
        node.candidate.name,
        node.knockedOut,
      ]);

    // Through the posting: the job is known when the application arrives.
    const onBoard = fjord.apply(await externalId(), {
      name: 'Ingrid Dahl',
      email: 'ingrid@example.no',
      answers: { motivation: 'Weekends suit me.', licence: false },
    });
    expect((await sendWebhook(contract.webhookUrl, onBoard)).status).toBe(202);
    await eventually(async () => (await applications()).length === 1);
    expect(await applications()).toEqual([['Ingrid Dahl', true]]);

    // For a Fjord job that is not one of ours: pending, with no questions to judge the answers by, until assigned.
    const elsewhere = fjordDelivery('123456', {
      type: 'application.received',
      applicationId: 'fj-answers-pending',
      jobId: 'fj-not-ours',
      applicant: { name: 'Per Lund', email: 'per@example.no' },
      answers: [{ questionId: 'licence', question: 'Do you hold a forklift licence?', answer: false }],
    });
    expect((await sendWebhook(contract.webhookUrl, elsewhere)).status).toBe(202);
    const pendingPer = async () =>
      (
        await gql('{ pendingCandidates(first: 20) { edges { node { knockedOut candidate { id name } } } } }')
      ).pendingCandidates.edges.find(
        ({ node }: { node: { candidate: { name: string } } }) => node.candidate.name === 'Per Lund',
      )?.node;
    await eventually(async () => (await pendingPer()) !== undefined);
    const pending = await pendingPer();
    expect(pending.knockedOut).toBe(false);
    const { assignPendingCandidate } = await gql(
      'mutation ($c: ID!, $j: ID!) { assignPendingCandidate(candidateId: $c, jobId: $j) { ... on Application { knockedOut } } }',
      { c: pending.candidate.id, j: job.id },
    );
    expect(assignPendingCandidate).toEqual({ knockedOut: true });
    expect((await applications()).sort()).toEqual([
      ['Ingrid Dahl', true],
      ['Per Lund', true],
    ]);
  });
});

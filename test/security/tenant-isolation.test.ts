import { decodeGlobalID } from '@pothos/plugin-relay';
import { getNamedType, isAbstractType, type GraphQLAbstractType, type GraphQLField } from 'graphql';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startTopcvSimulator,
  topcvDelivery,
  TOPCV_EMPLOYERS,
  type TopcvWebhookBody,
  vietnamTime,
} from '../../src/plugins/topcv/simulator.ts';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, subscribe, type TestServer } from '../support/server.ts';
import { idPositions, isRefusal, operationFor, rootFields, SCHEMA, valueAt } from './schema-walk.ts';

/**
 * Two organisations with the same shapes of data. Every root field of the printed schema must have an entry in
 * ACCESS below (a new field without one fails the first test), and every ID it takes is filled, one position at a
 * time, with organisation A's object while B asks: B must get nothing of A's, change nothing of A's, hear nothing.
 */

type Kind =
  | 'board'
  | 'contract'
  | 'feedContract'
  | 'job'
  | 'posting'
  | 'candidate'
  | 'pendingCandidate'
  | 'user'
  | 'apiToken'
  | 'webhookEndpoint'
  | 'webhookDelivery';
type Id = (kind: Kind) => string;
interface Access {
  /** Variables for the field; every ID position of the schema must be filled through `id`. */
  variables?: (id: Id) => Record<string, unknown>;
  /** Only an ADMIN may call it (a RECRUITER is FORBIDDEN). */
  admin?: boolean;
  /** Why A's own call shows nothing of A's in this lifecycle (a query), or hears nothing (a subscription). */
  noControl?: string;
}

const ACCESS: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Access>> = {
  Query: {
    analytics: { variables: () => ({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }) },
    apiTokens: { admin: true },
    board: { variables: (id) => ({ id: id('board') }), noControl: 'boards are the same catalogue for everyone' },
    boards: { noControl: 'boards are the same catalogue for everyone' },
    candidate: { variables: (id) => ({ id: id('candidate') }) },
    candidates: { variables: (id) => ({ filter: { boardId: id('board'), jobId: id('job') } }) },
    contract: { variables: (id) => ({ id: id('contract') }) },
    contracts: { variables: (id) => ({ filter: { boardId: id('board') } }) },
    franceTravailSandboxAccessRequests: { noControl: 'no France Travail access request in this lifecycle' },
    ingoedebanenUserEmails: {},
    job: { variables: (id) => ({ id: id('job') }) },
    jobs: {},
    node: { variables: (id) => ({ id: id('posting') }) },
    pendingCandidates: {},
    posting: { variables: (id) => ({ id: id('posting') }) },
    postings: {
      variables: (id) => ({ filter: { boardId: id('board'), contractId: id('contract'), jobId: id('job') } }),
    },
    users: {},
    viewer: {},
    webhookEndpoints: { admin: true },
  },
  Mutation: {
    assignPendingCandidate: { variables: (id) => ({ candidateId: id('pendingCandidate'), jobId: id('job') }) },
    connectFranceTravail: { admin: true },
    connectIngoedebanen: { admin: true },
    connectXmlJobFeed: { admin: true },
    connectLeForem: { admin: true },
    connectTopcv: { admin: true },
    createApiToken: {
      admin: true,
      variables: (id) => ({ input: { name: 'cross', scopes: ['READ'], userId: id('user') } }),
    },
    createJob: { variables: (id) => ({ input: { title: 'Cross', description: '<p>x</p>', recruiterId: id('user') } }) },
    createUser: { admin: true },
    deleteCandidate: { variables: (id) => ({ id: id('candidate') }) },
    deleteJob: { variables: (id) => ({ id: id('job') }) },
    disconnectContract: { admin: true, variables: (id) => ({ id: id('contract') }) },
    linkExistingPosting: {
      variables: (id) => ({ contractId: id('contract'), jobId: id('job'), externalId: '880001' }),
    },
    publishPosting: {
      variables: (id) => ({
        input: { jobId: id('job'), contractId: id('contract'), boardFields: { job_family_category: 'SALES' } },
      }),
    },
    rejectPendingCandidate: { variables: (id) => ({ candidateId: id('pendingCandidate') }) },
    // Its posting is the value of an apply link (a posting's own id, not an ID of the API): another organisation's
    // is NotFound, in test/attribution.test.ts.
    recordApplication: {
      variables: () => ({
        input: { posting: '0b4e8d2c-3f1a-4c5e-9d7b-2a6f8e1c4b3d', applicationId: 'x', candidate: { name: 'x' } },
      }),
    },
    requestFranceTravailSandboxAccess: { admin: true },
    repostPosting: { variables: (id) => ({ id: id('posting'), boardFields: { job_family_category: 'IT_SOFTWARE' } }) },
    retryPosting: { variables: (id) => ({ id: id('posting') }) },
    schedulePostingClose: {
      variables: (id) => ({ id: id('posting'), closeAt: new Date(Date.now() + 86_400_000).toISOString() }),
    },
    revokeApiToken: { admin: true, variables: (id) => ({ id: id('apiToken') }) },
    rotateFeedToken: { admin: true, variables: (id) => ({ id: id('feedContract') }) },
    setIngoedebanenUserEmail: { variables: (id) => ({ input: { userId: id('user'), email: 'cross@igb.example' } }) },
    updateContract: { admin: true, variables: (id) => ({ id: id('contract'), input: { alias: 'taken over' } }) },
    updateJob: { variables: (id) => ({ id: id('job'), input: { title: 'Taken over', recruiterId: id('user') } }) },
    updatePosting: { variables: (id) => ({ id: id('posting'), boardFields: { job_family_category: 'IT_SOFTWARE' } }) },
    verifyContract: { admin: true, variables: (id) => ({ id: id('contract') }) },
    withdrawPosting: { variables: (id) => ({ id: id('posting') }) },
    createWebhookEndpoint: { admin: true },
    updateWebhookEndpoint: {
      admin: true,
      variables: (id) => ({ id: id('webhookEndpoint'), input: { url: 'http://127.0.0.1:9/taken-over' } }),
    },
    deleteWebhookEndpoint: { admin: true, variables: (id) => ({ id: id('webhookEndpoint') }) },
    replayWebhookDelivery: { admin: true, variables: (id) => ({ id: id('webhookDelivery') }) },
  },
  Subscription: {
    apiTokenChanged: { admin: true },
    candidateReceived: { variables: (id) => ({ filter: { boardId: id('board'), jobId: id('job') } }) },
    contractStatusChanged: { variables: (id) => ({ filter: { boardId: id('board'), contractId: id('contract') } }) },
    franceTravailPostingReviewed: { noControl: 'no France Travail posting in this lifecycle' },
    ingoedebanenPostingReviewed: { noControl: 'InGoedeBanen publishes without review' },
    xmlJobFeedPostingReviewed: { noControl: 'the XML job feed publishes without review' },
    leForemPostingReviewed: { noControl: 'no Le Forem posting in this lifecycle' },
    postingReviewed: { variables: (id) => ({ boardId: id('board') }) },
    postingStatusChanged: {
      variables: (id) => ({ filter: { boardId: id('board'), contractId: id('contract'), jobId: id('job') } }),
    },
    topcvPostingReviewed: {},
  },
};

interface Org {
  slug: string;
  admin: string;
  recruiter: string;
  ids: Record<Kind, string>;
  secretKey: string;
  webhookUrl: string;
  feedUrl: string;
  externalId: string;
}

let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;
/** Takes the organisations' events (their webhook endpoints point here). */
let receiver: HttpServer;
let receiverUrl: string;
let A: Org;
let B: Org;
const DEPTH = 3;

beforeAll(async () => {
  topcv = await startTopcvSimulator();
  receiver = createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  server = await startTestServer({
    env: {
      BOARD_BASE_URLS: `topcv=${topcv.url}`,
      WORKER_POLL_MS: '50',
      STATUS_POLL_BASE_MS: '600000',
      MAX_TOKENS: '50000',
      MAX_ALIASES: '1000',
    },
  });
  const employers = Object.entries(TOPCV_EMPLOYERS);
  [A, B] = await Promise.all([organization('alpha', employers[0]!), organization('bravo', employers[1]!)]);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await topcv?.close();
  receiver?.close();
});

const gql = (token: string, query: string, variables?: Record<string, unknown>) => server.data(query, variables, token);

const deliver = (org: Org, body: TopcvWebhookBody) => sendWebhook(org.webhookUrl, topcvDelivery(org.secretKey, body));
let applicationNumber = 0;
const application = (person: string, target: { job_id: string } | { job_title: string }): TopcvWebhookBody => ({
  ...target,
  // Seconds apart: TopCV's applications carry no id, the same job, time and person are one application.
  apply_at: vietnamTime(new Date(Date.UTC(2026, 0, 1) + ++applicationNumber * 1000)),
  candidate_name: person,
  candidate_email: `${person.replaceAll(' ', '.').toLowerCase()}@example.com`,
});

async function postingStatus(org: Org, id: string) {
  return (await gql(org.admin, `query ($id: ID!) { posting(id: $id) { status externalId } }`, { id })).posting as {
    status: string;
    externalId: string;
  };
}

/** An organisation with one of everything: contracts (TopCV, InGoedeBanen), a user, a token, a job published on both, a candidate and a pending one. */
async function organization(slug: string, [employerKey, employer]: [string, { secretKey: string }]): Promise<Org> {
  const marker = slug.toUpperCase();
  const admin = await server.tokenFor(slug, 'ADMIN');
  const recruiter = await server.tokenFor(slug, 'RECRUITER');
  const contract = (
    await gql(
      admin,
      `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl status } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          alias: `${marker} TopCV`,
          credentials: { employerApiKey: employerKey, secretKey: employer.secretKey },
        },
      },
    )
  ).connectTopcv;
  expect(contract.status).toBe('ACTIVE');
  const feed = (
    await gql(
      admin,
      `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { ... on Contract { id feedUrl } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          alias: `${marker} IGB`,
          credentials: {
            email: `vacatures@${slug}.example`,
            clientId: slug === 'alpha' ? '40213' : '40214',
            publicationMode: 'DEDICATED_MEDIUM',
          },
        },
      },
    )
  ).connectIngoedebanen;
  const user = (
    await gql(admin, `mutation ($input: CreateUserInput!) { createUser(input: $input) { ... on User { id } } }`, {
      input: { email: `recruiter@${slug}.example`, name: `${marker} Recruiter`, role: 'RECRUITER' },
    })
  ).createUser;
  const apiToken = (
    await gql(
      admin,
      `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { ... on CreateApiTokenPayload { apiToken { id } } } }`,
      {
        input: { name: `${marker} integration`, scopes: ['READ'] },
      },
    )
  ).createApiToken.apiToken;
  const endpoint = (
    await gql(
      admin,
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ... on CreateWebhookEndpointPayload { endpoint { id } } } }`,
      {
        input: {
          url: receiverUrl,
          description: `${marker} hooks`,
          eventTypes: ['POSTING_STATUS_CHANGED', 'POSTING_REVIEWED', 'CANDIDATE_RECEIVED', 'CONTRACT_STATUS_CHANGED'],
        },
      },
    )
  ).createWebhookEndpoint.endpoint;
  const job = (
    await gql(admin, `mutation ($input: CreateJobInput!) { createJob(input: $input) { ... on Job { id } } }`, {
      input: {
        title: `${marker} Warehouse lead`,
        description: `<p>${marker} runs the warehouse.</p>`,
        location: { city: 'Hà Nội', countryCode: 'VN' },
      },
    })
  ).createJob;
  const publish = async (contractId: string, boardFields: Record<string, unknown>) =>
    (
      await gql(
        admin,
        `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } ... on Error { message } } }`,
        {
          input: { jobId: job.id, contractId, boardFields },
        },
      )
    ).publishPosting.id as string;
  const posting = await publish(contract.id, { job_family_category: 'SALES' });
  await publish(feed.id, {});
  await eventually(
    async () => (await postingStatus({ admin } as Org, posting)).status === 'PENDING_REVIEW',
    20_000,
    `${slug} posting sent to TopCV`,
  );
  const { externalId } = await postingStatus({ admin } as Org, posting);
  const org: Org = {
    slug,
    admin,
    recruiter,
    secretKey: employer.secretKey,
    webhookUrl: contract.webhookUrl,
    feedUrl: feed.feedUrl,
    externalId,
    ids: {} as Org['ids'],
  };
  expect((await deliver(org, { event: 'job.approved', data: { job_id: externalId } })).status).toBe(202);
  await eventually(
    async () => (await postingStatus(org, posting)).status === 'PUBLISHED',
    20_000,
    `${slug} posting approved`,
  );
  expect((await deliver(org, application(`${marker} Candidate`, { job_id: externalId }))).status).toBe(202);
  expect(
    (await deliver(org, application(`${marker} Pending`, { job_title: 'No vacancy has this title' }))).status,
  ).toBe(202);
  let candidate = '';
  let pendingCandidate = '';
  await eventually(
    async () => {
      const data = await gql(
        admin,
        `{ candidates(first: 10) { edges { node { id name } } } pendingCandidates(first: 10) { edges { node { candidate { id } } } } }`,
      );
      candidate =
        data.candidates.edges.find((edge: { node: { name: string } }) => edge.node.name.endsWith('Candidate'))?.node
          .id ?? '';
      pendingCandidate = data.pendingCandidates.edges[0]?.node.candidate.id ?? '';
      return Boolean(candidate && pendingCandidate);
    },
    20_000,
    `${slug} candidates`,
  );
  await gql(
    admin,
    `mutation ($input: SetIngoedebanenUserEmailInput!) { setIngoedebanenUserEmail(input: $input) { __typename } }`,
    { input: { email: `${slug}@igb.example` } },
  );
  let webhookDelivery = '';
  await eventually(
    async () => {
      const data = await gql(
        admin,
        `query ($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 50) { edges { node { id status } } } } } }`,
        { id: endpoint.id },
      );
      const deliveries = data.node.deliveries.edges.map((edge: { node: { id: string; status: string } }) => edge.node);
      webhookDelivery = deliveries[0]?.id ?? '';
      return (
        deliveries.length > 0 && deliveries.every((delivery: { status: string }) => delivery.status === 'DELIVERED')
      );
    },
    20_000,
    `${slug} events delivered`,
  );
  org.ids = {
    board: 'topcv',
    contract: contract.id,
    feedContract: feed.id,
    job: job.id,
    posting,
    candidate,
    pendingCandidate,
    user: user.id,
    apiToken: apiToken.id,
    webhookEndpoint: endpoint.id,
    webhookDelivery,
  };
  return org;
}

/** Anything of A's in a payload: its name, or the row id of any of its objects (webhook and feed URLs carry those). */
function leaksOf(payload: unknown): string[] {
  const text = JSON.stringify(payload);
  const found = [...text.matchAll(/alpha/gi)].map((match) => match[0]);
  for (const [kind, id] of Object.entries(A.ids)) {
    if (kind === 'board') continue;
    const row = decodeGlobalID(id).id;
    if (text.includes(id) || text.includes(row)) found.push(`${kind} ${id}`);
  }
  return found;
}

/** The variables of an entry with each ID position filled from `owner(position)`; checks every schema position is filled. */
function variablesFor(_field: GraphQLField<unknown, unknown>, access: Access, owner: (position: number) => Org) {
  let position = 0;
  const kinds: Kind[] = [];
  const variables =
    access.variables?.((kind) => {
      kinds.push(kind);
      return owner(position++).ids[kind];
    }) ?? {};
  return { variables, kinds };
}

function positionsOf(field: GraphQLField<unknown, unknown>, access: Access) {
  const { variables, kinds } = variablesFor(field, access, () => A);
  const schemaPositions = idPositions(field);
  const unfilled = schemaPositions
    .filter((path) => typeof valueAt(variables, path) !== 'string')
    .map((path) => path.join('.'));
  return { kinds, unfilled, schemaPositions };
}

/** For each ID position holding an organisation's object: the variables with A's object there and B's elsewhere. */
function crossings(field: GraphQLField<unknown, unknown>, access: Access) {
  const { kinds } = positionsOf(field, access);
  return kinds.flatMap((kind, index) =>
    kind === 'board'
      ? []
      : [{ kind, variables: variablesFor(field, access, (position) => (position === index ? A : B)).variables }],
  );
}

describe('every root field is covered, and every ID it takes is exercised', () => {
  test.each(['Query', 'Mutation', 'Subscription'] as const)('%s', (root) => {
    const fields = rootFields(root)
      .map((field) => field.name)
      .sort();
    expect(Object.keys(ACCESS[root]).sort()).toEqual(fields);
    for (const field of rootFields(root))
      expect(positionsOf(field, ACCESS[root][field.name]!).unfilled, `${root}.${field.name}`).toEqual([]);
  });
});

describe('queries', () => {
  test("B's token reads nothing of A's through any query, with A's ids in any argument; A reads its own through the same operations", async () => {
    let operations = 0;
    for (const field of rootFields('Query')) {
      const access = ACCESS.Query[field.name]!;
      const query = operationFor('query', field, DEPTH);
      const ownView = await server.graphql(query, {
        token: A.admin,
        variables: variablesFor(field, access, () => A).variables,
      });
      expect(
        ownView.body.errors,
        `A ${field.name}: ${server.logs.filter((line) => line.includes('"level":50')).join('\n')}`,
      ).toBeUndefined();
      if (!access.noControl)
        expect(leaksOf(ownView.body.data).length, `A sees its own through ${field.name}`).toBeGreaterThan(0);

      const attempts = [
        { kind: 'none', variables: variablesFor(field, access, () => B).variables },
        ...crossings(field, access),
      ];
      for (const attempt of attempts) {
        for (const token of [B.admin, B.recruiter]) {
          const response = await server.graphql(query, { token, variables: attempt.variables });
          operations += 1;
          expect(response.status, `${field.name} with A's ${attempt.kind}`).toBeLessThan(500);
          if (token === B.recruiter && access.admin) {
            expect(response.body.errors?.[0]?.extensions?.code, `a recruiter reads ${field.name}`).toBe('FORBIDDEN');
          } else if (token === B.recruiter) {
            // Admin-only fields inside (credentials, feed URLs) are refused to a recruiter one by one.
            expect(
              new Set(response.body.errors?.map((error) => error.extensions?.code) ?? []),
              `${field.name} with A's ${attempt.kind}`,
            ).toEqual(new Set(response.body.errors ? ['FORBIDDEN'] : []));
          } else {
            expect(response.body.errors, `${field.name} with A's ${attempt.kind}`).toBeUndefined();
          }
          expect(leaksOf(response.body), `${field.name} with A's ${attempt.kind}`).toEqual([]);
        }
      }
    }
    expect(operations).toBeGreaterThan(40);
    console.log(
      `tenant isolation: ${rootFields('Query').length} queries, ${operations} reads as the other organisation`,
    );
  });

  test("node(id) answers null for every one of A's objects, whatever type is asked for", async () => {
    const node = rootFields('Query').find((field) => field.name === 'node')!;
    const query = operationFor('query', node, DEPTH);
    for (const [kind, id] of Object.entries(A.ids)) {
      if (kind === 'board') continue;
      const mine = await server.graphql(query, { token: A.admin, variables: { id } });
      expect(mine.body.data?.node, `A's own ${kind}`).not.toBeNull();
      const theirs = await server.graphql(query, { token: B.admin, variables: { id } });
      expect(theirs.body).toEqual({ data: { node: null } });
    }
  });
});

describe('mutations', () => {
  test("B changes nothing of A's: each of A's ids in each position is NotFound (or refused on that field), and A's data is unchanged", async () => {
    const snapshot = async () => {
      const views: unknown[] = [];
      for (const field of rootFields('Query')) {
        const access = ACCESS.Query[field.name]!;
        views.push(
          (
            await server.graphql(operationFor('query', field, DEPTH), {
              token: A.admin,
              variables: variablesFor(field, access, () => A).variables,
            })
          ).body,
        );
      }
      return JSON.parse(JSON.stringify(views).replaceAll(/"(url|expiresAt)":"[^"]*"/g, '"$1":"…"'));
    };
    const before = await snapshot();
    let attempts = 0;
    for (const field of rootFields('Mutation')) {
      for (const crossing of crossings(field, ACCESS.Mutation[field.name]!)) {
        const validates =
          isAbstractType(getNamedType(field.type)) &&
          SCHEMA.getPossibleTypes(getNamedType(field.type) as GraphQLAbstractType).some(
            (type) => type.name === 'ValidationError',
          );
        const operation = operationFor(
          'mutation',
          field,
          0,
          `{ __typename ${validates ? '... on ValidationError { fieldErrors { path } }' : ''} }`,
        );
        const position = idPositions(field).find((path) => valueAt(crossing.variables, path) === A.ids[crossing.kind])!;
        for (const token of [B.admin, B.recruiter]) {
          const response = await server.graphql(operation, { token, variables: crossing.variables });
          attempts += 1;
          const what = `${field.name} with A's ${crossing.kind} at ${position.join('.')}`;
          expect(response.status, what).toBeLessThan(500);
          if (token === B.recruiter && ACCESS.Mutation[field.name]!.admin) {
            expect(response.body.errors?.[0]?.extensions?.code, what).toBe('FORBIDDEN');
            continue;
          }
          expect(response.body.errors, what).toBeUndefined();
          const result = (
            response.body.data as Record<string, { __typename: string; fieldErrors?: { path: string[] }[] }>
          )[field.name]!;
          expect(isRefusal(result.__typename), `${what}: ${result.__typename}`).toBe(true);
          if (result.__typename === 'ValidationError')
            expect(
              result.fieldErrors!.map((error) => error.path.join('.')),
              what,
            ).toContain(position.join('.'));
          else expect(result.__typename, what).toBe('NotFoundError');
          expect(leaksOf(response.body), what).toEqual([]);
        }
      }
    }
    expect(attempts).toBeGreaterThan(30);
    console.log(
      `tenant isolation: ${rootFields('Mutation').length} mutations, ${attempts} writes with another organisation's ids, all refused`,
    );
    expect(await snapshot()).toEqual(before);
  });

  test('roles: a recruiter posts and handles candidates but cannot manage contracts, credentials, users or tokens', async () => {
    for (const field of rootFields('Mutation')) {
      const access = ACCESS.Mutation[field.name]!;
      if (!access.admin) continue;
      const operation = operationFor('mutation', field, 0, '{ __typename }');
      // The recruiter's own organisation's objects: refused by role before anything is looked at.
      const variables = access.variables ? variablesFor(field, access, () => B).variables : ownInput(field.name);
      const response = await server.graphql(operation, { token: B.recruiter, variables });
      expect(response.body.errors?.[0]?.extensions?.code, field.name).toBe('FORBIDDEN');
    }
    const job = await gql(
      B.recruiter,
      `mutation { createJob(input: { title: "Picker", description: "<p>Picks.</p>" }) { ... on Job { id } } }`,
    );
    const posting = await gql(
      B.recruiter,
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: {
          jobId: job.createJob.id,
          contractId: B.ids.contract,
          boardFields: { job_family_category: 'SALES', locations: [{ province_id: 'VN-HN' }] },
        },
      },
    );
    expect(posting.publishPosting).toEqual({ __typename: 'Posting' });
    const candidates = await gql(B.recruiter, `{ candidates(first: 5) { edges { node { name } } } }`);
    expect(candidates.candidates.edges.map((edge: { node: { name: string } }) => edge.node.name)).toContain(
      'BRAVO Candidate',
    );
  });
});

/** Valid input for the admin-only mutations that take no id, so the refusal is the role's and not the input's. */
function ownInput(name: string): Record<string, unknown> {
  const [key, employer] = Object.entries(TOPCV_EMPLOYERS)[1]!;
  const inputs: Record<string, Record<string, unknown>> = {
    connectTopcv: {
      input: { environment: 'PRODUCTION', credentials: { employerApiKey: key, secretKey: employer.secretKey } },
    },
    connectIngoedebanen: {
      input: {
        environment: 'PRODUCTION',
        credentials: { email: 'x@bravo.example', clientId: '40214', publicationMode: 'DEDICATED_MEDIUM' },
      },
    },
    connectXmlJobFeed: { input: { environment: 'PRODUCTION', credentials: { publisher: 'Bravo' } } },
    connectLeForem: {
      input: {
        environment: 'ACCEPTANCE',
        confidentialityAgreementSigned: true,
        credentials: { apiKey: 'x', partnerCode: 'x' },
      },
    },
    connectFranceTravail: { input: { environment: 'SANDBOX', credentials: { clientId: 'x', key: 'x', partyId: 'x' } } },
    createUser: { input: { email: 'another@bravo.example', name: 'Another', role: 'ADMIN' } },
    requestFranceTravailSandboxAccess: {
      input: {
        clientId: 'x',
        companyName: 'x',
        contactEmail: 'x@x.example',
        openPositionsPerYear: 10,
        siret: '73282932000074',
      },
    },
    createWebhookEndpoint: { input: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['POSTING_REVIEWED'] } },
  };
  return inputs[name] ?? {};
}

describe('subscriptions', () => {
  test("B hears nothing of A's, over WebSocket or SSE, with or without A's ids in the filters; A hears its own", async () => {
    const bClient = server.wsClient({ authorization: `Bearer ${B.admin}` });
    const aClient = server.wsClient({ authorization: `Bearer ${A.admin}` });
    const theirs: { name: string; received: unknown[]; ready: Promise<void> }[] = [];
    const own: { name: string; live: ReturnType<typeof subscribe> }[] = [];
    const streams: { name: string; text: () => string; stop: () => void }[] = [];
    for (const field of rootFields('Subscription')) {
      const access = ACCESS.Subscription[field.name]!;
      const operation = operationFor('subscription', field, 2);
      for (const attempt of [
        { variables: variablesFor(field, access, () => B).variables },
        ...crossings(field, access),
      ]) {
        const subscription = subscribe(bClient, operation, attempt.variables);
        theirs.push({ name: field.name, received: subscription.received, ready: subscription.ready });
        streams.push({ name: field.name, ...eventStream(operation, attempt.variables, B.admin) });
      }
      if (!access.noControl)
        own.push({
          name: field.name,
          live: subscribe(aClient, operation, variablesFor(field, access, () => A).variables),
        });
    }
    // Every WebSocket subscription, B's and A's, is live (or was refused) before A's lifecycle goes on.
    await Promise.all([...theirs.map(({ ready }) => ready), ...own.map(({ live }) => live.ready)]);

    // More of A's lifecycle: a new token, its posting updated and approved again, a candidate, a contract's credentials refused.
    await gql(A.admin, `mutation { createApiToken(input: { name: "ALPHA second", scopes: [READ] }) { __typename } }`);
    await gql(
      A.admin,
      `mutation ($id: ID!) { updatePosting(id: $id, boardFields: { employee_level: "TEAM_LEAD" }) { __typename } }`,
      { id: A.ids.posting },
    );
    await eventually(
      async () => (await postingStatus(A, A.ids.posting)).status === 'PENDING_REVIEW',
      20_000,
      "A's update sent",
    );
    await deliver(A, { event: 'job.approved', data: { job_id: A.externalId } });
    await deliver(A, application('ALPHA Second Candidate', { job_id: A.externalId }));
    await gql(
      A.admin,
      `mutation ($id: ID!, $input: UpdateContractInput!) { updateContract(id: $id, input: $input) { __typename } }`,
      {
        id: A.ids.contract,
        input: { credentials: { employerApiKey: 'tcv-access-unknown', secretKey: 'wrong' } },
      },
    );
    for (const { name, live } of own)
      await live.waitFor(1, 20_000).catch(() => expect.fail(`A heard nothing on ${name}`));
    await new Promise((resolve) => setTimeout(resolve, 1000));

    for (const { name, received } of theirs) expect(received, `B on ${name}`).toEqual([]);
    for (const { name, text, stop } of streams) {
      expect(text(), `B's SSE on ${name}`).not.toContain('"data"');
      expect(leaksOf(text()), `B's SSE on ${name}`).toEqual([]);
      stop();
    }
    expect(own.length + theirs.length).toBeGreaterThan(15);
    console.log(
      `tenant isolation: ${theirs.length} subscriptions of the other organisation over WebSocket and as many over SSE heard nothing; ${own.length} of its own heard its events`,
    );
  }, 90_000);
});

function eventStream(query: string, variables: Record<string, unknown>, token: string) {
  const controller = new AbortController();
  let text = '';
  void fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  })
    .then(async (response) => {
      const reader = response.body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += Buffer.from(chunk.value).toString('utf8');
    })
    .catch(() => undefined);
  return { text: () => text, stop: () => controller.abort() };
}

describe('webhook, feed and application page routes', () => {
  test("a delivery to A's contract signed with B's secret is refused; B's contract naming A's postings touches nothing of A's", async () => {
    const state = `query ($id: ID!, $job: ID!) { posting(id: $id) { status } job(id: $job) { applications(first: 20) { edges { node { id } } } } }`;
    const before = await gql(A.admin, state, { id: A.ids.posting, job: A.ids.job });
    const forged = await sendWebhook(
      A.webhookUrl,
      topcvDelivery(B.secretKey, { event: 'job.rejected', data: { job_id: A.externalId, reason: 'forged' } }),
    );
    expect(forged.status).toBe(401);
    expect(
      (await deliver(B, { event: 'job.rejected', data: { job_id: A.externalId, reason: 'taken over' } })).status,
    ).toBeLessThan(500);
    expect((await deliver(B, application('Cross Applicant', { job_id: A.externalId }))).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await gql(A.admin, state, { id: A.ids.posting, job: A.ids.job });
    expect(after).toEqual(before);
  });

  test("B's feed lists only B's vacancies; A's application page cannot be reached through B's contract", async () => {
    const [aFeed, bFeed] = await Promise.all([
      fetch(A.feedUrl).then((r) => r.text()),
      fetch(B.feedUrl).then((r) => r.text()),
    ]);
    expect(aFeed).toContain('ALPHA Warehouse lead');
    expect(bFeed).toContain('BRAVO Warehouse lead');
    expect(leaksOf(bFeed)).toEqual([]);
    const applyUrl = (feed: string) =>
      new URL(/<applyUrl>([^<]+)<\/applyUrl>/.exec(feed)![1]!.replaceAll('&amp;', '&'));
    const [, , aContract, aJob] = applyUrl(aFeed).pathname.split('/');
    const [, , bContract] = applyUrl(bFeed).pathname.split('/');
    expect(aContract).not.toBe(bContract);
    const crossed = `${server.url}/apply/${bContract}/${aJob}`;
    expect((await fetch(crossed)).status).toBe(404);
    const form = new FormData();
    form.set('name', 'Cross Applicant');
    form.set('email', 'cross@example.com');
    form.set('consent', 'yes');
    expect((await fetch(crossed, { method: 'POST', body: form })).status).toBe(404);
    expect((await fetch(applyUrl(aFeed))).status).toBe(200);
  });
});

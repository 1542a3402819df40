import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, type TestServer, stopAll } from './support/server.ts';
import { createJobId, graphqlAs, localId } from './support/graphql.ts';
import { fjordEnv } from './support/fjord.ts';

/** A system that receives our events: verifies each signature, and fails on demand. */
interface Receiver {
  url: string;
  /** Verified events, in the order they arrived (repeats of one webhook-id included). */
  received: { id: string; type: string; data: Record<string, any> }[];
  forged: number;
  /** Share of requests answered with a failure (half 500s, half reset connections). */
  failureRate: number;
  close(): Promise<void>;
}

async function startReceiver(secret: () => string): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], forged: 0, failureRate: 0, close: async () => undefined };
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (Math.random() < receiver.failureRate) {
      if (Math.random() < 0.5) request.socket.destroy();
      else response.writeHead(500).end('down');
      return;
    }
    try {
      const event = new Webhook(secret()).verify(body, request.headers as Record<string, string>) as {
        type: string;
        data: Record<string, any>;
      };
      receiver.received.push({ id: String(request.headers['webhook-id']), type: event.type, data: event.data });
      response.writeHead(204).end();
    } catch {
      receiver.forged += 1;
      response.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let server: TestServer;
let token: string;

beforeAll(async () => {
  fjord = await startFjordJobsSimulator();
  server = await startTestServer({
    env: fjordEnv(fjord.url, {
      EVENT_WEBHOOK_RETRY_SCHEDULE_MS: '20,40,80,160,320,640,640,640,640,640',
      // The receivers here fail by answering 500, never by hanging: a loaded machine must not turn slow answers
      // into failures that use up the retries.
      EVENT_WEBHOOK_TIMEOUT_MS: '10000',
    }),
  });
  token = await server.tokenFor('event-hooks');
});
afterAll(() => stopAll(server, fjord));

const gql = graphqlAs(
  () => server,
  () => token,
);

const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename ... on CreateWebhookEndpointPayload { secret endpoint { id url eventTypes enabled } } ... on ValidationError { fieldErrors { path message } } } }`;

async function endpoint(url: string, eventTypes: string[]) {
  const created = (await gql(CREATE, { input: { url, eventTypes, description: 'ATS' } })).createWebhookEndpoint;
  expect(created.__typename).toBe('CreateWebhookEndpointPayload');
  return created as { secret: string; endpoint: { id: string } };
}

async function fjordContract(): Promise<{ id: string; webhookUrl: string }> {
  return (
    await gql(
      `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id webhookUrl } } }`,
      {
        input: {
          environment: 'SANDBOX',
          termsAccepted: true,
          credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
        },
      },
    )
  ).connectFjordJobs;
}

async function publish(contractId: string, title: string): Promise<string> {
  const job = await createJobId(gql, {
    title,
    description: '<p>Fish.</p>',
    location: { city: 'Bergen', countryCode: 'NO' },
  });
  return (
    await gql(`mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }`, {
      input: { jobId: job, contractId, boardFields: { sector: 'FISHERIES' } },
    })
  ).publishPosting.id;
}

describe('registering endpoints', () => {
  test('the secret is shown once; bad input is a ValidationError with paths and stores nothing; recruiters cannot', async () => {
    const { secret, endpoint: created } = await endpoint('http://127.0.0.1:9/hooks', ['POSTING_STATUS_CHANGED']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await gql(`{ webhookEndpoints(first: 10) { edges { node { id url eventTypes enabled } } } }`);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.webhookEndpoints.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(created.id);

    const bad = (await gql(CREATE, { input: { url: 'ftp://example.com/x', eventTypes: [] } })).createWebhookEndpoint;
    expect(bad.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'input.eventTypes',
      'input.url',
    ]);
    expect(
      (await gql(`{ webhookEndpoints(first: 10) { edges { node { id } } } }`)).webhookEndpoints.edges,
    ).toHaveLength(1);

    const recruiter = await server.tokenFor('event-hooks', 'RECRUITER');
    const refused = await server.graphql(CREATE, {
      token: recruiter,
      variables: { input: { url: 'http://127.0.0.1:9/x', eventTypes: ['POSTING_REVIEWED'] } },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await gql(`mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename } }`, { id: created.id });
  });

  test('production refuses plain http and private addresses', async () => {
    const { randomBytes } = await import('node:crypto');
    const production = await startTestServer({
      env: {
        NODE_ENV: 'production',
        ENCRYPTION_KEYS: `k:${randomBytes(32).toString('base64')}`,
        BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
      },
    });
    try {
      const admin = await production.tokenFor('prod-hooks');
      for (const url of [
        'http://hooks.example.com/x',
        'https://127.0.0.1/x',
        'https://10.1.2.3/x',
        'https://localhost/x',
        'https://[::1]/x',
        'https://169.254.169.254/latest',
        'https://localhost./x',
        'https://[::127.0.0.1]/x',
        'https://[64:ff9b::7f00:1]/x',
        'https://[2002:7f00:1::]/x',
        'https://[fec0::1]/x',
        'https://198.18.0.1/x',
        'https://224.0.0.1/x',
        'https://255.255.255.255/x',
        'https://192.0.0.1/x',
      ]) {
        const answer = await production.graphql(CREATE, {
          token: admin,
          variables: { input: { url, eventTypes: ['POSTING_REVIEWED'] } },
        });
        expect(answer.body.data?.createWebhookEndpoint.fieldErrors, url).toEqual([
          { path: ['input', 'url'], message: expect.any(String) },
        ]);
      }
      const ok = await production.graphql(CREATE, {
        token: admin,
        variables: { input: { url: 'https://hooks.example.com/x', eventTypes: ['POSTING_REVIEWED'] } },
      });
      expect(ok.body.data?.createWebhookEndpoint.__typename).toBe('CreateWebhookEndpointPayload');
    } finally {
      await production.stop();
    }
  });
});

describe('delivering events', () => {
  test('through a receiver failing a third of the time: every event arrives signed, in order per posting, none lost', async () => {
    let secret = '';
    const receiver = await startReceiver(() => secret);
    try {
      ({ secret } = await endpoint(receiver.url, ['POSTING_STATUS_CHANGED', 'CANDIDATE_RECEIVED']));
      const other = await startReceiver(() => otherSecret);
      let otherSecret = '';
      ({ secret: otherSecret } = await endpoint(other.url, ['CANDIDATE_RECEIVED']));
      receiver.failureRate = 0.33;

      const contract = await fjordContract();
      const postings = await Promise.all(
        Array.from({ length: 20 }, (_, index) => publish(contract.id, `Fisher ${index}`)),
      );
      const prisma = server.app.db.prisma;
      const rowIds = postings.map((id) => localId(id));
      await eventually(
        async () => (await prisma.posting.count({ where: { id: { in: rowIds }, status: 'PUBLISHED' } })) === 20,
        30_000,
        'postings published',
      );
      const externalId = (await gql(`query ($id: ID!) { posting(id: $id) { externalId } }`, { id: postings[0] }))
        .posting.externalId;
      expect(
        (
          await sendWebhook(
            contract.webhookUrl,
            fjord.apply(externalId, { name: 'Kari Nordmann', email: 'kari@example.no' }),
          )
        ).status,
      ).toBe(202);

      await eventually(
        async () => (await prisma.eventDelivery.count({ where: { status: { not: 'DONE' } } })) === 0,
        60_000,
        'every event delivered',
      );
      const unique = new Map(receiver.received.map((event) => [event.id, event]));
      // Each posting's events arrived in the order of its own history (retries by the board included).
      const byPosting = new Map<string, string[]>();
      for (const event of unique.values())
        if (event.type === 'posting.status_changed')
          byPosting.set(event.data.postingId, [...(byPosting.get(event.data.postingId) ?? []), event.data.to]);
      expect(byPosting.size).toBe(20);
      for (const id of postings) {
        const history = (
          await gql(`query ($id: ID!) { posting(id: $id) { events { type from to } } }`, { id })
        ).posting.events
          .filter(
            (event: { type: string; from: string | null; to: string | null }) =>
              event.type === 'STATUS_CHANGED' && event.from !== event.to,
          )
          .map((event: { to: string }) => event.to);
        expect(byPosting.get(id), id).toEqual(history);
        expect(history.at(-1)).toBe('PUBLISHED');
      }
      // Each event carries the reason and the next action as they stood once the change was made.
      const actions = [...unique.values()]
        .filter((event) => event.type === 'posting.status_changed')
        .map((event) => [event.data.to, event.data.nextAction.code, typeof event.data.nextAction.message]);
      expect(new Set(actions.map((action) => JSON.stringify(action)))).toEqual(
        new Set([
          JSON.stringify(['QUEUED', 'WAIT_FOR_DELIVERY', 'string']),
          JSON.stringify(['SUBMITTED', 'WAIT_FOR_DELIVERY', 'string']),
          JSON.stringify(['PUBLISHED', 'NOTHING', 'string']),
        ]),
      );
      const live = [...unique.values()].find((event) => event.data.to === 'PUBLISHED')!;
      expect(live.data).toMatchObject({
        reason: null,
        nextAction: { code: 'NOTHING', message: 'Live on Fjord Jobs.' },
      });
      expect([...unique.values()].filter((event) => event.type === 'candidate.received')).toHaveLength(1);
      expect(other.received.map((event) => event.type)).toEqual(['candidate.received']);
      expect(receiver.forged).toBe(0);

      const log = await gql(
        `{ webhookEndpoints(first: 5) { edges { node { url deliveries(first: 100) { edges { node { id status attempts attemptLog { statusCode error } } } } } } } }`,
      );
      const deliveries = log.webhookEndpoints.edges
        .find((edge: { node: { url: string } }) => edge.node.url === receiver.url)
        .node.deliveries.edges.map((edge: { node: any }) => edge.node);
      expect(deliveries).toHaveLength(unique.size);
      expect(unique.size).toBeGreaterThanOrEqual(61);
      expect(deliveries.every((delivery: { status: string }) => delivery.status === 'DELIVERED')).toBe(true);
      const retried = deliveries.filter((delivery: { attempts: number }) => delivery.attempts > 1);
      expect(retried.length).toBeGreaterThan(5);
      for (const delivery of retried) expect(delivery.attemptLog.length).toBe(delivery.attempts);
      console.log(
        `event webhooks: ${deliveries.length} events, ${deliveries.reduce((sum: number, delivery: { attempts: number }) => sum + delivery.attempts, 0)} attempts, ${retried.length} retried, 0 lost`,
      );
      await other.close();
    } finally {
      await receiver.close();
    }
  }, 90_000);

  test('an endpoint that keeps failing is disabled with the reason; enabled again and replayed, it gets the same webhook-id', async () => {
    let secret = '';
    const receiver = await startReceiver(() => secret);
    receiver.failureRate = 1;
    try {
      const created = await endpoint(receiver.url, ['CONTRACT_STATUS_CHANGED']);
      secret = created.secret;
      const contract = await fjordContract();
      await gql(`mutation ($id: ID!) { disconnectContract(id: $id) { __typename } }`, { id: contract.id });
      const read = async () =>
        (
          await gql(
            `query ($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason deliveries(first: 5) { edges { node { id status attempts lastError } } } } } }`,
            { id: created.endpoint.id },
          )
        ).node;
      await eventually(async () => (await read()).enabled === false, 30_000, 'the endpoint disabled');
      const disabled = await read();
      expect(disabled.disabledReason).toMatch(/^Disabled after a delivery failed 11 times since .+: /);
      // Connecting and disconnecting made two events; the first failed for good, the second waits behind it.
      const deliveries = disabled.deliveries.edges.map((edge: { node: any }) => edge.node);
      expect(deliveries.map((delivery: { status: string }) => delivery.status)).toEqual(['PENDING', 'FAILED']);
      const failed = deliveries[1];
      expect(failed.attempts).toBe(11);

      // Nothing is queued for a disabled endpoint.
      const second = await fjordContract();
      await gql(`mutation ($id: ID!) { disconnectContract(id: $id) { __typename } }`, { id: second.id });
      expect((await read()).deliveries.edges).toHaveLength(2);

      // Replayed while the endpoint is still disabled, then enabled: the replay goes first, the later event after it.
      receiver.failureRate = 0;
      const replayed = (
        await gql(`mutation ($id: ID!) { replayWebhookDelivery(id: $id) { ... on WebhookDelivery { id status } } }`, {
          id: failed.id,
        })
      ).replayWebhookDelivery;
      expect(replayed.status).toBe('PENDING');
      const enabled = await gql(
        `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { ... on WebhookEndpoint { enabled disabledReason } } }`,
        { id: created.endpoint.id },
      );
      expect(enabled.updateWebhookEndpoint).toEqual({ enabled: true, disabledReason: null });
      await eventually(() => receiver.received.length === 2, 10_000, 'the replayed delivery and the one behind it');
      expect(
        receiver.received.map((event) => [
          event.type,
          event.data.contractId,
          event.data.to,
          event.data.nextAction.code,
        ]),
      ).toEqual([
        ['contract.status_changed', contract.id, 'ACTIVE', 'NOTHING'],
        ['contract.status_changed', contract.id, 'NOT_CONFIGURED', 'CONNECT'],
      ]);
      expect(`WebhookDelivery:${receiver.received[0]!.id}`).toBe(Buffer.from(failed.id, 'base64').toString());
    } finally {
      await receiver.close();
    }
  }, 60_000);

  test('a call that cannot connect is logged in generic words, never with the system message', async () => {
    // A port nothing listens on any more: the connection is refused.
    const { createServer } = await import('node:net');
    const listener = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    const { port } = listener.address() as { port: number };
    await new Promise((resolve) => listener.close(resolve));
    const created = await endpoint(`http://127.0.0.1:${port}/hooks`, ['CONTRACT_STATUS_CHANGED']);
    await fjordContract();
    const log = async () =>
      (
        await gql(
          `query ($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { edges { node { attemptLog { statusCode error } } } } } } }`,
          { id: created.endpoint.id },
        )
      ).node.deliveries.edges[0]?.node.attemptLog ?? [];
    await eventually(async () => (await log()).length > 0, 10_000, 'a first attempt');
    expect((await log())[0]).toEqual({
      statusCode: null,
      error: 'Could not reach the endpoint: the connection was refused.',
    });
    await gql(`mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename } }`, { id: created.endpoint.id });
  });
});

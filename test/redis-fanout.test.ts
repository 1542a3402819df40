import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { connectFjord, publishOnFjord } from './support/fjord.ts';
import {
  createTestDatabase,
  eventually,
  startTestServer,
  subscribe,
  TEST_DB,
  type TestDatabase,
  type TestServer,
} from './support/server.ts';

const CREATE_TOKEN = `mutation ($name: String!) {
  createApiToken(input: { name: $name, scopes: [READ] }) { ... on CreateApiTokenPayload { token apiToken { id } } }
}`;

// Several API processes share one PostgreSQL; PGlite is one process per database, so this is PostgreSQL only.
describe.runIf(TEST_DB === 'postgres')('two server processes on one PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let first: TestServer;
  let second: TestServer;
  let admin: string;

  let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;

  beforeAll(async () => {
    fjord = await startFjordJobsSimulator();
    database = await createTestDatabase();
    const env = {
      BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
      BOARD_BASE_URLS: `fjord-jobs=${fjord.url}`,
      ENCRYPTION_KEYS: `k:${randomBytes(32).toString('base64')}`,
    };
    first = await startTestServer({ database, redis: true, env });
    second = await startTestServer({ database, redis: true, env });
    admin = await first.tokenFor('fanout');
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await database?.drop();
    await fjord?.close();
  });

  test('a posting published through the second is followed live on the first, from QUEUED to PUBLISHED', async () => {
    const changes = subscribe(
      first.wsClient({ token: admin }),
      'subscription { postingStatusChanged { from to posting { id } } }',
    );
    await changes.ready;
    const id = await publishOnFjord(second, admin, await connectFjord(second, admin), 'Skipper');
    await changes.waitUntil(
      (results) => results.some((result) => result.data?.postingStatusChanged.to === 'PUBLISHED'),
      15_000,
    );
    expect(changes.received.map((result) => result.data?.postingStatusChanged)).toEqual([
      { from: 'DRAFT', to: 'QUEUED', posting: { id } },
      { from: 'QUEUED', to: 'SUBMITTED', posting: { id } },
      { from: 'SUBMITTED', to: 'PUBLISHED', posting: { id } },
    ]);
  });

  test('a token the first knows from its cache stops working there as soon as the second revokes it', async () => {
    const created = (await second.graphql(CREATE_TOKEN, { token: admin, variables: { name: 'cached' } })).body.data!
      .createApiToken;
    const viewer = () => first.graphql('{ viewer { scopes } }', { token: created.token });
    expect((await viewer()).status).toBe(200);
    expect((await viewer()).status).toBe(200);
    const revoked = await second.graphql('mutation ($id: ID!) { revokeApiToken(id: $id) { __typename } }', {
      token: admin,
      variables: { id: created.apiToken.id },
    });
    expect(revoked.body.data!.revokeApiToken.__typename).toBe('ApiToken');
    // The revocation reaches the first through Redis within milliseconds, well before its 5 s cache entry would end.
    await eventually(async () => (await viewer()).status === 401, 2000, 'the revoked token to be refused');
  });

  test('a subscriber on the first sees a change made through the second, and is cut off by a revocation there', async () => {
    const created = (await second.graphql(CREATE_TOKEN, { token: admin, variables: { name: 'listener' } })).body.data!
      .createApiToken;
    const events = subscribe(
      first.wsClient({ token: admin }),
      'subscription { apiTokenChanged { action apiToken { id name } } }',
    );

    await eventually(
      async () => {
        await second.graphql(CREATE_TOKEN, { token: admin, variables: { name: 'ping' } });
        return events.received.length > 0;
      },
      10_000,
      'the first event across processes',
    );
    const made = (await second.graphql(CREATE_TOKEN, { token: admin, variables: { name: 'made on second' } })).body
      .data!.createApiToken;
    await events.waitUntil((results) =>
      results.some((result) => result.data?.apiTokenChanged.apiToken.id === made.apiToken.id),
    );
    expect(
      events.received.find((result) => result.data?.apiTokenChanged.apiToken.id === made.apiToken.id)?.data,
    ).toEqual({
      apiTokenChanged: { action: 'CREATED', apiToken: { id: made.apiToken.id, name: 'made on second' } },
    });

    let revokedSocketClosed: number | undefined;
    const watched = first.wsClient({ token: created.token }, { onClose: (code) => (revokedSocketClosed = code) });
    const held = subscribe(watched, 'subscription { apiTokenChanged { action } }');
    await eventually(
      async () => {
        await second.graphql(CREATE_TOKEN, { token: admin, variables: { name: 'ping 2' } });
        return held.received.length > 0 || held.done;
      },
      10_000,
      'the watched socket to be live',
    );
    await second.graphql('mutation ($id: ID!) { revokeApiToken(id: $id) { __typename } }', {
      token: admin,
      variables: { id: created.apiToken.id },
    });
    await eventually(() => revokedSocketClosed !== undefined, 5000, 'the revoked socket to close on the other process');
    expect(revokedSocketClosed).toBe(4403);
    expect(events.done).toBe(false);
  });
});

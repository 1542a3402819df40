import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, startTestServer, subscribe, type TestServer } from './support/server.ts';

let server: TestServer;
let admin: string;
let recruiter: string;
let otherAdmin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.tokenFor('acme');
  recruiter = await server.tokenFor('acme', 'RECRUITER');
  otherAdmin = await server.tokenFor('globex');
});
afterAll(() => server?.stop());

const VIEWER = '{ viewer { organization { slug } user { email role } role scopes } }';
const CREATE_TOKEN = `mutation ($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    __typename
    ... on CreateApiTokenPayload { token apiToken { id name prefix scopes revokedAt } }
    ... on ValidationError { message fieldErrors { path message } }
    ... on NotFoundError { message }
  }
}`;
const REVOKE_TOKEN = `mutation ($id: ID!) {
  revokeApiToken(id: $id) { __typename ... on ApiToken { id revokedAt } ... on NotFoundError { message } }
}`;

async function createToken(token: string, input: Record<string, unknown>) {
  const response = await server.graphql(CREATE_TOKEN, { token, variables: { input } });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.createApiToken;
}

describe('HTTP authentication', () => {
  test('no token answers 401 with a GraphQL error body', async () => {
    const response = await server.graphql(VIEWER);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.body.data).toBeUndefined();
  });

  test.each([
    ['an unknown token', 'Bearer mpa_unknown'],
    ['a malformed header', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('%s answers 401', async (_case, header) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: header },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].message).toMatch(/unknown or revoked/);
  });

  test('a valid token sees its organisation, user, role and scopes', async () => {
    const response = await server.graphql(VIEWER, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      viewer: {
        organization: { slug: 'acme' },
        user: { email: 'admin@acme.invalid', role: 'ADMIN' },
        role: 'ADMIN',
        scopes: ['READ', 'WRITE'],
      },
    });
  });

  test('introspection needs no token outside production, so GraphiQL can load the schema', async () => {
    const response = await server.graphql('{ __schema { queryType { name } } }');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const mixed = await server.graphql('{ __typename viewer { role } }');
    expect(mixed.status).toBe(401);
  });
});

describe('roles and scopes', () => {
  test('a recruiter cannot list or create tokens', async () => {
    const list = await server.graphql('{ apiTokens { edges { node { id } } } }', { token: recruiter });
    expect(list.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const create = await server.graphql(CREATE_TOKEN, {
      token: recruiter,
      variables: { input: { name: 'x', scopes: ['READ'] } },
    });
    expect(create.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await server.graphql(VIEWER, { token: recruiter });
    expect(viewer.body.data?.viewer.role).toBe('RECRUITER');
  });

  test('a READ-only token can query but not mutate', async () => {
    const created = await createToken(admin, { name: 'read only', scopes: ['READ'] });
    expect(created.__typename).toBe('CreateApiTokenPayload');
    const readOnly = created.token as string;
    expect((await server.graphql(VIEWER, { token: readOnly })).body.data?.viewer.scopes).toEqual(['READ']);
    const mutation = await server.graphql(CREATE_TOKEN, {
      token: readOnly,
      variables: { input: { name: 'y', scopes: ['READ'] } },
    });
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(mutation.body.data?.createApiToken ?? null).toBeNull();
  });
});

describe('API tokens through GraphQL', () => {
  test('an admin creates a token shown once, which works at once and stops at once when revoked', async () => {
    const created = await createToken(admin, { name: 'integration', scopes: ['READ', 'WRITE', 'READ'] });
    expect(created.apiToken).toMatchObject({ name: 'integration', scopes: ['READ', 'WRITE'], revokedAt: null });
    expect(created.token).toMatch(/^mpa_/);
    expect(created.token.startsWith(created.apiToken.prefix)).toBe(true);

    const list = await server.graphql('{ apiTokens { edges { node { id name prefix } } } }', { token: admin });
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect(list.body.data?.apiTokens.edges.map((edge: any) => edge.node.id)).toContain(created.apiToken.id);

    expect((await server.graphql(VIEWER, { token: created.token })).status).toBe(200);
    const revoked = await server.graphql(REVOKE_TOKEN, { token: admin, variables: { id: created.apiToken.id } });
    expect(revoked.body.data?.revokeApiToken.__typename).toBe('ApiToken');
    expect(revoked.body.data?.revokeApiToken.revokedAt).toBeTruthy();
    const after = await server.graphql(VIEWER, { token: created.token });
    expect(after.status).toBe(401);
  });

  test('invalid input is a ValidationError with field paths, and nothing is stored', async () => {
    const before = await server.app.db.prisma.apiToken.count();
    const result = await createToken(admin, { name: '   ', scopes: [] });
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors).toEqual(
      expect.arrayContaining([
        { path: ['input', 'name'], message: 'must not be empty' },
        { path: ['input', 'scopes'], message: 'must name at least one scope' },
      ]),
    );
    expect(await server.app.db.prisma.apiToken.count()).toBe(before);
  });

  test('another organisation can neither see nor revoke a token', async () => {
    const created = await createToken(admin, { name: 'private', scopes: ['READ'] });
    const node = await server.graphql('query ($id: ID!) { node(id: $id) { id } }', {
      token: otherAdmin,
      variables: { id: created.apiToken.id },
    });
    expect(node.body).toEqual({ data: { node: null } });
    const own = await server.graphql('query ($id: ID!) { node(id: $id) { id ... on ApiToken { name } } }', {
      token: admin,
      variables: { id: created.apiToken.id },
    });
    expect(own.body.data?.node).toEqual({ id: created.apiToken.id, name: 'private' });

    const revoke = await server.graphql(REVOKE_TOKEN, { token: otherAdmin, variables: { id: created.apiToken.id } });
    expect(revoke.body.data?.revokeApiToken.__typename).toBe('NotFoundError');
    expect((await server.graphql(VIEWER, { token: created.token })).status).toBe(200);

    const list = await server.graphql('{ apiTokens { edges { node { id } } } }', { token: otherAdmin });
    expect(list.body.data?.apiTokens.edges.map((edge: any) => edge.node.id)).not.toContain(created.apiToken.id);
  });

  test('an admin cannot issue a token for a user of another organisation', async () => {
    const otherUser = (await server.graphql('{ viewer { user { id } } }', { token: otherAdmin })).body.data?.viewer.user
      .id;
    const result = await createToken(admin, { name: 'foreign', scopes: ['READ'], userId: otherUser });
    expect(result.__typename).toBe('NotFoundError');
  });

  test('admins create users; a duplicate e-mail is a ValidationError', async () => {
    const mutation = `mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename ... on User { id email role } ... on ValidationError { fieldErrors { path message } } } }`;
    const input = { email: 'Jo@Acme.example', name: 'Jo', role: 'RECRUITER' };
    const first = await server.graphql(mutation, { token: admin, variables: { input } });
    expect(first.body.data?.createUser).toMatchObject({
      __typename: 'User',
      email: 'jo@acme.example',
      role: 'RECRUITER',
    });
    const again = await server.graphql(mutation, { token: admin, variables: { input } });
    expect(again.body.data?.createUser.fieldErrors).toEqual([
      { path: ['input', 'email'], message: 'is already used by another user of this organisation' },
    ]);
    const badEmail = await server.graphql(mutation, {
      token: admin,
      variables: { input: { ...input, email: 'nope' } },
    });
    expect(badEmail.body.data?.createUser.fieldErrors[0].path).toEqual(['input', 'email']);
  });
});

const TOKEN_CHANGED = 'subscription { apiTokenChanged { action apiToken { id name } } }';

describe('WebSocket authentication', () => {
  test.each([
    ['no connection params', undefined],
    ['an unknown token', { authorization: 'Bearer mpa_nope' }],
  ])('%s closes the connection with 4403', async (_case, params) => {
    let closedWith: number | undefined;
    const client = server.wsClient(params, { onClose: (code) => (closedWith = code) });
    const subscription = subscribe(client, TOKEN_CHANGED);
    await eventually(() => closedWith !== undefined, 5000, 'the socket to close');
    expect(closedWith).toBe(4403);
    expect(subscription.received).toEqual([]);
  });

  test("a subscriber receives its organisation's events only, and is cut off when its token is revoked", async () => {
    const created = await createToken(admin, { name: 'socket', scopes: ['READ'] });
    let closedWith: number | undefined;
    const client = server.wsClient(
      { authorization: `Bearer ${created.token}` },
      { onClose: (code) => (closedWith = code) },
    );
    const events = subscribe(client, TOKEN_CHANGED);
    const foreign = subscribe(server.wsClient({ token: otherAdmin }), TOKEN_CHANGED);

    // The subscription is live once an event arrives; keep creating tokens until then.
    await eventually(
      async () => {
        await createToken(admin, { name: 'ping', scopes: ['READ'] });
        return events.received.length > 0;
      },
      10_000,
      'the first event',
    );
    const next = await createToken(admin, { name: 'watched', scopes: ['READ'] });
    await events.waitUntil((results) =>
      results.some((result) => result.data?.apiTokenChanged.apiToken.id === next.apiToken.id),
    );
    expect(
      events.received.find((result) => result.data?.apiTokenChanged.apiToken.id === next.apiToken.id)?.data,
    ).toEqual({
      apiTokenChanged: { action: 'CREATED', apiToken: { id: next.apiToken.id, name: 'watched' } },
    });

    await server.graphql(REVOKE_TOKEN, { token: admin, variables: { id: created.apiToken.id } });
    await eventually(() => closedWith !== undefined, 5000, 'the socket to close');
    expect(closedWith).toBe(4403);
    expect(foreign.received).toEqual([]);
  });

  test('a recruiter cannot subscribe to token changes', async () => {
    const events = subscribe(server.wsClient({ token: recruiter }), TOKEN_CHANGED);
    await events.waitFor(1);
    expect(JSON.stringify(events.received[0] ?? events.failure)).toMatch(/FORBIDDEN|Not allowed/);
  });
});

describe('server-sent events', () => {
  test('an SSE subscription authenticates with the header and receives events', async () => {
    const unauthenticated = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: TOKEN_CHANGED }),
    });
    expect(unauthenticated.status).toBe(401);

    const controller = new AbortController();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: TOKEN_CHANGED }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await eventually(
      async () => {
        await createToken(admin, { name: 'sse', scopes: ['READ'] });
        return text.includes('"apiTokenChanged"');
      },
      10_000,
      'an SSE event',
    );
    expect(text).toContain('"action":"CREATED"');
    controller.abort();
    await reading;
  });
});

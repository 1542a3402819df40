import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';

describe('operational endpoints and safety limits', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({
      env: { LOG_LEVEL: 'trace', MAX_QUERY_DEPTH: '4', MAX_ALIASES: '3', MAX_TOKENS: '300' },
    });
    token = await server.tokenFor('ops');
  });
  afterAll(() => server?.stop());

  test('/health answers while the process is up, /ready once the database answers with every migration applied', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });

  test('/ready answers 503 while a migration the server has is missing from the database, 200 once it is back', async () => {
    const sql = server.app.db.sql;
    const [latest] = await sql.withSession((session) =>
      session.query<{ name: string; checksum: string; applied_at: Date }>(
        'SELECT name, checksum, applied_at FROM _migrations ORDER BY name DESC LIMIT 1',
      ),
    );
    await sql.withSession((session) => session.query('DELETE FROM _migrations WHERE name = $1', [latest!.name]));
    try {
      const missing = await fetch(`${server.url}/ready`);
      expect(missing.status).toBe(503);
      expect(missing.headers.get('cache-control')).toBe('no-store');
    } finally {
      await sql.withSession((session) =>
        session.query('INSERT INTO _migrations (name, checksum, applied_at) VALUES ($1, $2, $3)', [
          latest!.name,
          latest!.checksum,
          latest!.applied_at,
        ]),
      );
    }
    expect((await fetch(`${server.url}/ready?probe=1`)).status).toBe(200);
  });

  test('/metrics counts requests by operation type, never by the names callers choose, and open WebSocket connections', async () => {
    await server.graphql('query ViewerForMetrics { viewer { role } }', { token });
    const series = (body: string) => body.split('\n').filter((line) => line.startsWith('graphql_')).length;
    const before = await (await fetch(`${server.url}/metrics`)).text();
    for (let index = 0; index < 20; index += 1)
      await server.graphql(`query Chosen${index} { viewer { role } }`, { token });
    const body = await (await fetch(`${server.url}/metrics`)).text();
    expect(body).toMatch(/graphql_envelop_request\{[^}]*operationType="query"[^}]*\} \d+/);
    expect(body).not.toMatch(/ViewerForMetrics|Chosen7|operationName/);
    expect(series(body)).toBe(series(before));
    expect(body).toContain('graphql_ws_connections 0');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).not.toContain(token);
  });

  test('with METRICS_TOKEN only its bearer reads /metrics; in production without one it is not served', async () => {
    const { randomBytes } = await import('node:crypto');
    const metricsToken = randomBytes(24).toString('hex');
    const keys = `k:${randomBytes(32).toString('base64')}`;
    const [guarded, production] = await Promise.all([
      startTestServer({ env: { METRICS_TOKEN: metricsToken } }),
      startTestServer({ env: { NODE_ENV: 'production', ENCRYPTION_KEYS: keys } }),
    ]);
    try {
      const read = (url: string, bearer?: string) =>
        fetch(`${url}/metrics`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
      expect((await read(guarded.url)).status).toBe(401);
      expect((await read(guarded.url, 'not-the-metrics-token')).status).toBe(401);
      const allowed = await read(guarded.url, metricsToken);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('process_cpu_user_seconds_total');
      expect((await read(production.url)).status).toBe(404);
    } finally {
      await Promise.all([guarded.stop(), production.stop()]);
    }
  });

  test.each([
    ['depth', '{ viewer { user { id } organization { id } } apiTokens { edges { node { user { id } } } } }', /depth/i],
    ['aliases', '{ a: viewer { role } b: viewer { role } c: viewer { role } d: viewer { role } }', /aliases/i],
    ['tokens', `{ viewer { ${'role '.repeat(400)} } }`, /token/i],
  ])('an operation over the %s limit is refused before execution', async (_limit, query, message) => {
    const response = await server.graphql(query, { token });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.message).toMatch(message);
  });

  test('batched requests are limited', async () => {
    const operation = { query: '{ viewer { role } }' };
    const send = (count: number) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(Array.from({ length: count }, () => operation)),
      });
    const small = await send(2);
    expect(await small.json()).toEqual([
      { data: { viewer: { role: 'ADMIN' } } },
      { data: { viewer: { role: 'ADMIN' } } },
    ]);
    const large = await send(11);
    expect(large.status).toBe(413);
  });

  test('malformed GraphQL gets a clear 400 error', async () => {
    const response = await server.graphql('{ viewer { role ', { token });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  test('logs never contain the token, even at trace level', async () => {
    await server.graphql('{ viewer { role } }', { token });
    expect(server.logs.length).toBeGreaterThan(0);
    expect(server.logs.join('\n')).not.toContain(token);
  });
});

describe('unexpected errors', () => {
  test('are masked: no message, stack or SQL reaches the client', async () => {
    const server = await startTestServer();
    const token = await server.tokenFor('broken');
    // Break the data layer under the running server: the next query fails inside a resolver.
    await server.app.db.sql.withSession((session) => session.exec('ALTER TABLE "user" RENAME TO user_gone'));
    const response = await server.graphql('{ viewer { user { email } } }', { token });
    const text = JSON.stringify(response.body);
    expect(response.body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(text).not.toMatch(/user_gone|relation|SELECT|at .*\.ts|stack/i);
    await server.app.db.sql.withSession((session) => session.exec('ALTER TABLE user_gone RENAME TO "user"'));
    await server.stop();
  });
});

describe('slow clients', () => {
  test('a request not received in full within REQUEST_TIMEOUT_MS is cut off', async () => {
    const server = await startTestServer({ env: { REQUEST_TIMEOUT_MS: '1000' } });
    try {
      const { hostname, port } = new URL(server.url);
      const socket = net.connect(Number(port), hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      const started = Date.now();
      socket.write(
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
      );
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      await new Promise((resolve) => socket.once('close', resolve));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.stop();
    }
  });
});

describe('the cost limit counts page sizes, whether written in the operation or passed as variables', () => {
  let server: TestServer;
  let token: string;
  let contractId: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.tokenFor('cost');
    const connected = await server.graphql(
      `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "vacatures@cost.example", clientId: "40213", publicationMode: DEDICATED_MEDIUM } }) { ... on Contract { id } } }`,
      { token },
    );
    contractId = connected.body.data!.connectIngoedebanen.id;
  });
  afterAll(() => server?.stop());

  const NESTED = `contract(id: $id) { id postings(first: POSTINGS) { edges { node { id status applications(first: APPLICATIONS) { edges { node { id candidate { name } } } } } } } }`;
  const literal = (postings: number, applications: number) =>
    server.graphql(
      `query ($id: ID!) { ${NESTED.replace('POSTINGS', String(postings)).replace('APPLICATIONS', String(applications))} }`,
      { token, variables: { id: contractId } },
    );
  const withVariables = (postings: number, applications: number) =>
    server.graphql(
      `query ($id: ID!, $postings: Int!, $applications: Int!) { ${NESTED.replace('POSTINGS', '$postings').replace('APPLICATIONS', '$applications')} }`,
      {
        token,
        variables: { id: contractId, postings, applications },
      },
    );

  test('a contract page of 20 postings with 5 applications each is allowed, written either way', async () => {
    for (const response of [await literal(20, 5), await withVariables(20, 5)]) {
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toEqual({ contract: { id: contractId, postings: { edges: [] } } });
    }
  });

  // The sizes as the variables' declared defaults, with no variables sent for them: what executes is costed.
  const withDefaults = (postings: number, applications: number) =>
    server.graphql(
      `query ($id: ID!, $postings: Int = ${postings}, $applications: Int = ${applications}) { ${NESTED.replace('POSTINGS', '$postings').replace('APPLICATIONS', '$applications')} }`,
      { token, variables: { id: contractId } },
    );

  test('100 postings with 100 applications each is refused before execution, also when the sizes are variables or their defaults', async () => {
    expect((await withDefaults(20, 5)).body.errors).toBeUndefined();
    for (const response of [await literal(100, 100), await withVariables(100, 100), await withDefaults(100, 100)]) {
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.message).toMatch(/Query Cost limit of 500000 exceeded/);
    }
  });
});

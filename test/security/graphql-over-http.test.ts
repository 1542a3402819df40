import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.tokenFor('audit-org');
});
afterAll(() => server?.stop());

test('the GraphQL over HTTP audit (graphql-http) reports no failing MUST and no failing SHOULD', async () => {
  const results = await auditServer({
    url: `${server.url}/graphql`,
    fetchFn: (input: RequestInfo, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  });
  const failures = results
    .filter((result) => result.status !== 'ok')
    .map((result) => `${result.status} ${result.id} ${result.name}`);
  expect(failures).toEqual([]);
  expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(20);
});

test('GET queries work and GET mutations are refused', async () => {
  const query = encodeURIComponent('{ viewer { organization { slug } } }');
  const get = await fetch(`${server.url}/graphql?query=${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({ data: { viewer: { organization: { slug: 'audit-org' } } } });

  const mutation = encodeURIComponent('mutation { revokeApiToken(id: "x") { __typename } }');
  const refused = await fetch(`${server.url}/graphql?query=${mutation}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  expect(refused.status).toBe(405);
});

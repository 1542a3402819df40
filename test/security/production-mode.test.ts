import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runScript } from '../support/process.ts';
import { startTestServer, TEST_DB, type TestServer } from '../support/server.ts';

const FRONTEND = 'https://ats.example';

describe('NODE_ENV=production', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        NODE_ENV: 'production',
        ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        CORS_ORIGINS: FRONTEND,
      },
    });
    token = await server.tokenFor('prod');
  });
  afterAll(() => server?.stop());

  test('serves no GraphiQL page', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/graphiql/i);
  });

  test('refuses introspection, with or without a token', async () => {
    expect((await server.graphql('{ __schema { types { name } } }')).status).toBe(401);
    const response = await server.graphql('{ __schema { types { name } } }', { token });
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  test('gives no field suggestions', async () => {
    const response = await server.graphql('{ viewr { role } }', { token });
    expect(response.body.errors?.[0]?.message).toMatch(/Cannot query field/);
    expect(JSON.stringify(response.body)).not.toMatch(/Did you mean/);
  });

  test('every response carries the security headers, errors and other routes included', async () => {
    const answers = [
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"query":"{ viewer { role } }"}',
      }),
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ viewer { role } }"}',
      }),
      await fetch(`${server.url}/webhooks/nothing/here`, { method: 'POST', body: '{}' }),
      await fetch(`${server.url}/health`),
      await fetch(`${server.url}/feeds/ingoedebanen/unknown.xml`),
    ];
    for (const response of answers) {
      expect(response.headers.get('x-content-type-options'), response.url).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  test('CORS answers only the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight(FRONTEND);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('*');

    const request = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"query":"{ viewer { role } }"}',
      });
    expect((await request(FRONTEND)).headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect((await request('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe(
      'https://evil.example',
    );
  });
});

// Start-up checks touch no database: once is enough.
describe.runIf(TEST_DB === 'postgres')('the process refuses to start in production', () => {
  test.each([
    [
      'without ENCRYPTION_KEYS (a generated key is for development)',
      undefined,
      'ENCRYPTION_KEYS: required in production',
    ],
    [
      'with a typed passphrase as key',
      `k:${Buffer.from('my very secret key for prod 2026').toString('base64')}`,
      'ENCRYPTION_KEYS: the key(s) k are not random',
    ],
    [
      'with a key of one repeated byte',
      `k:${Buffer.alloc(32, 0).toString('base64')}`,
      'ENCRYPTION_KEYS: the key(s) k are not random',
    ],
  ])('%s', async (_case, keys, message) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-prod-'));
    const child = runScript('src/server.ts', {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PORT: '0',
      ...(keys ? { ENCRYPTION_KEYS: keys } : {}),
    });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.output()).toContain(message);
    expect(child.output()).not.toContain(keys?.slice(2) ?? 'no key');
  });
});

describe('outside production', () => {
  test('without CORS_ORIGINS no origin is allowed', async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'https://ats.example', 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.stop();
    }
  });
});

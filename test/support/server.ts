import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { issueBootstrapToken } from '../../src/core/organizations.ts';
import { createLogger } from '../../src/logger.ts';
import { copyTemplate } from './global-setup.ts';
import { adminQuery, databaseUrl, TEST_REDIS_URL } from './services.ts';

export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the kind this test project runs against. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'postgres') {
    const name = `mp_test_${randomUUID().replaceAll('-', '')}`;
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
    return {
      env: { DATABASE_URL: databaseUrl(name), DATA_DIR: await mkdtemp(path.join(tmpdir(), 'mp-data-')) },
      drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-data-'));
  await copyTemplate(inject('pgliteTemplate'), path.join(dataDir, 'pglite'));
  return { env: { DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: Data; errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[] };
}

export interface TestServer {
  app: App;
  url: string;
  /** The server's DATA_DIR (embedded database, encryption key, documents). */
  dataDir: string;
  logs: string[];
  /** POSTs an operation to /graphql. */
  graphql<Data = Record<string, any>>(query: string, options?: { token?: string; variables?: Record<string, unknown> }): Promise<GraphQLResponse<Data>>;
  /** An organisation (created when needed) with a new token for a user of the given role. */
  tokenFor(slug: string, role?: 'ADMIN' | 'RECRUITER'): Promise<string>;
  wsClient(connectionParams?: Record<string, unknown>, options?: { onClose?: (code: number, reason: string) => void }): Client;
  stop(): Promise<void>;
}

/** Starts the real server on an ephemeral port, with its logs captured line by line. */
export async function startTestServer(options: { env?: Record<string, string>; database?: TestDatabase; redis?: boolean } = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const ownsDatabase = !options.database;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DEMO_ORGANIZATION: 'false',
    ...(options.redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...database.env,
    ...options.env,
  });
  const app = await startApp(config, createLogger(config, destination));
  const wsUrl = `${app.url.replace(/^http/, 'ws')}/graphql`;
  const clients: Client[] = [];
  return {
    app,
    url: app.url,
    dataDir: config.dataDir,
    logs,
    async graphql(query, { token, variables } = {}) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async tokenFor(slug, role = 'ADMIN') {
      const { token } = await issueBootstrapToken(app.db.prisma, { slug, role, tokenName: `${role} test token` });
      return token;
    },
    wsClient(connectionParams, { onClose } = {}) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
        on: { closed: (event) => onClose?.((event as CloseEvent).code, (event as CloseEvent).reason) },
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      if (ownsDatabase) await database.drop();
    },
  };
}

/** Collects the next `count` results of a subscription over graphql-ws. */
export function subscribe<Data = Record<string, any>>(client: Client, query: string, variables?: Record<string, unknown>) {
  const received: { data?: Data; errors?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let failure: unknown;
  // graphql-ws does not acknowledge subscriptions: wait for the connection, then a moment for the subscribe message.
  const ready = new Promise<void>((resolve) => {
    const fallback = setTimeout(resolve, 1000);
    const off = client.on('connected', () => {
      off();
      clearTimeout(fallback);
      setTimeout(resolve, 100);
    });
  });
  const unsubscribe = client.subscribe<Data>(
    { query, variables },
    {
      next: (value) => {
        received.push(value as { data?: Data });
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        failure = error;
        done = true;
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {
        done = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    },
  );
  return {
    received,
    ready,
    get done() {
      return done;
    },
    get failure() {
      return failure;
    },
    unsubscribe,
    /** Resolves once `count` results have arrived (or the subscription ended); rejects after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 10_000) {
      return this.waitUntil(() => received.length >= count, timeoutMs, `${count} results`);
    },
    /** Resolves with the first result that satisfies `predicate` (or once the subscription ended). */
    async waitUntil(predicate: (results: typeof received) => boolean, timeoutMs = 10_000, what = 'a matching result') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received) && !done) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
      return received;
    },
  };
}

/** Resolves once `check` is true; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { expect, inject } from 'vitest';
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

/** POSTs an operation to the GraphQL endpoint of the server at `url`. */
export async function postGraphql<Data = Record<string, any>>(
  url: string,
  query: string | TypedDocumentNode<Data, any>,
  { token, variables }: { token?: string; variables?: Record<string, unknown> } = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The data of an operation that must succeed at the server at `url`; fails the test on any error. */
export async function graphqlData<Data = Record<string, any>, Variables = Record<string, unknown>>(
  url: string,
  query: string | TypedDocumentNode<Data, Variables>,
  variables?: Variables,
  token?: string,
): Promise<Data> {
  const response = await postGraphql(url, query, {
    ...(token ? { token } : {}),
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
  });
  expect(response.body.errors, typeof query === 'string' ? query : print(query)).toBeUndefined();
  return response.body.data!;
}

export interface TestServer {
  app: App;
  url: string;
  /** The server's DATA_DIR (embedded database, encryption key, documents). */
  dataDir: string;
  logs: string[];
  /** POSTs an operation to /graphql. */
  graphql<Data = Record<string, any>>(
    query: string | TypedDocumentNode<Data, any>,
    options?: { token?: string; variables?: Record<string, unknown> },
  ): Promise<GraphQLResponse<Data>>;
  /** The data of an operation that must succeed: POSTs it as `token` and fails the test on any error. */
  data<Data = Record<string, any>, Variables = Record<string, unknown>>(
    query: string | TypedDocumentNode<Data, Variables>,
    variables?: Variables,
    token?: string,
  ): Promise<Data>;
  /** An organisation (created when needed) with a new token for a user of the given role. */
  tokenFor(slug: string, role?: 'ADMIN' | 'RECRUITER'): Promise<string>;
  wsClient(
    connectionParams?: Record<string, unknown>,
    options?: { onClose?: (code: number, reason: string) => void },
  ): Client;
  stop(): Promise<void>;
}

/** Starts the real server on an ephemeral port, with its logs captured line by line. */
export async function startTestServer(
  options: { env?: Record<string, string>; database?: TestDatabase; redis?: boolean } = {},
): Promise<TestServer> {
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
  const listening: { bus: App['eventBus']; batch: Batch | null } = { bus: app.eventBus, batch: null };
  const clients: Client[] = [];
  const graphql: TestServer['graphql'] = (query, options) => postGraphql(app.url, query, options);
  return {
    app,
    url: app.url,
    dataDir: config.dataDir,
    logs,
    graphql,
    data: (query, variables, token) => graphqlData(app.url, query, variables, token),
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
      busOf.set(client, listening);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      if (ownsDatabase) await database.drop();
    },
  };
}

/** Subscriptions made through a test server's clients while none of them was known to be live yet. */
interface Batch {
  /** Listeners the server's event bus had ever added when the batch began. */
  base: number;
  members: { ended: boolean; settled: boolean }[];
}
/** The event bus of the server each test client talks to, and the batch of subscriptions still waiting. */
const busOf = new WeakMap<Client, { bus: App['eventBus']; batch: Batch | null }>();
/** The topics of the API's subscriptions: each carries the subscriber's organisation (`posting.statusChanged:<id>`). */
const subscriptionTopic = (topic: string) => topic.includes(':');

/**
 * Collects the results of a subscription over graphql-ws. graphql-ws does not acknowledge a subscription, so
 * `ready` resolves once the server's event bus has added a listener for it and for every subscription made
 * alongside it (or they ended, refused), which is when an event published would reach them, however slow the
 * machine.
 */
export function subscribe<Data = Record<string, any>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
) {
  const received: { data?: Data; errors?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let failure: unknown;
  const listening = busOf.get(client);
  const me = { ended: false, settled: false };
  if (listening && !listening.batch)
    listening.batch = { base: listening.bus.listenersAdded(subscriptionTopic), members: [] };
  const batch = listening?.batch ?? undefined;
  batch?.members.push(me);
  const ready = (async () => {
    if (!listening || !batch) throw new Error('subscribe() needs a client made by TestServer.wsClient()');
    const live = () =>
      listening.bus.listenersAdded(subscriptionTopic) >=
      batch.base + batch.members.filter((member) => !member.ended).length;
    try {
      await eventually(() => done || live(), 30_000, `the subscription to be live: ${query}`);
    } finally {
      me.settled = true;
      if (listening.batch === batch && batch.members.every((member) => member.settled)) listening.batch = null;
    }
  })();
  // A test that never awaits `ready` must not fail on it; one that does still sees the rejection.
  ready.catch(() => undefined);
  const unsubscribe = client.subscribe<Data>(
    { query, variables },
    {
      next: (value) => {
        received.push(value as { data?: Data });
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => {
        failure = error;
        done = true;
        if (!me.settled) me.ended = true;
        for (const wake of waiters.splice(0)) wake();
      },
      complete: () => {
        done = true;
        if (!me.settled) me.ended = true;
        for (const wake of waiters.splice(0)) wake();
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
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits for a contract to be ACTIVE. A board that verifies the credentials slower than the suite's board timeout
 * (a busy machine) leaves the contract PENDING_VERIFICATION, a normal outcome: verify it again, as a user would.
 * Any other status fails at once.
 */
export async function activeContract(
  server: TestServer,
  token: string,
  contractId: string,
  timeoutMs = 30_000,
): Promise<string> {
  const VERIFY =
    'mutation ($id: ID!) { verifyContract(id: $id) { __typename ... on Contract { status statusReason } } }';
  let last = (
    await server.graphql('query ($id: ID!) { contract(id: $id) { status statusReason } }', {
      token,
      variables: { id: contractId },
    })
  ).body.data?.contract;
  const deadline = Date.now() + timeoutMs;
  while (last?.status === 'PENDING_VERIFICATION' && Date.now() < deadline) {
    last = (await server.graphql(VERIFY, { token, variables: { id: contractId } })).body.data?.verifyContract;
  }
  if (last?.status !== 'ACTIVE') throw new Error(`Contract ${contractId} is not ACTIVE: ${JSON.stringify(last)}`);
  return contractId;
}

/** Stops what a file started, in the order given (a server before its simulators), skipping what never started. */
export async function stopAll(
  ...started: ({ stop(): Promise<unknown> } | { close(): Promise<unknown> } | undefined)[]
): Promise<void> {
  for (const thing of started) {
    if (!thing) continue;
    await ('stop' in thing ? thing.stop() : thing.close());
  }
}

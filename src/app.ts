import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { ViewerCache } from './core/auth/viewer.ts';
import { createDemoOrganization } from './core/demo.ts';
import type { TopicBus } from './core/topics.ts';
import type { Database } from './db/database.ts';
import { migrate, pendingMigrations, readMigrations } from './db/migrate.ts';
import { applicationPageRoute } from './http/application-page.ts';
import { consoleRoute } from './http/console.ts';
import { documentRoute } from './http/documents.ts';
import { feedRoute } from './http/feeds.ts';
import { clientAddress, createRateLimits } from './http/rate-limits.ts';
import { readGraphQLBody } from './http/body.ts';
import { readinessRoute } from './http/readiness.ts';
import { webhookRoute } from './http/webhooks.ts';
import { attachWebSocketServer } from './http/websocket.ts';
import { createGraphQLServer } from './http/yoga.ts';
import type { Logger } from './logger.ts';
import { createWorker, openServices, type ProcessServices } from './services.ts';

export interface App {
  /** Base URL the server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  db: Database;
  eventBus: TopicBus;
  /** Stops accepting, lets in-flight requests finish, closes sockets and the database. */
  stop(): Promise<void>;
}

export async function startApp(config: Config, log: Logger): Promise<App> {
  const services = await openServices(config, log);
  const { db } = services;
  let server: Server | undefined;
  let limitsRedis: Redis | undefined;
  try {
    const migrations = await prepareDatabase(services);
    limitsRedis = await rateLimitRedis(config, log);
    const rateLimits = createRateLimits(config.rateLimits, limitsRedis);
    const viewers = new ViewerCache(db.prisma, services.topics, config.authCacheTtlMs);
    const isReady = async () => {
      try {
        return (await pendingMigrations(db.sql, migrations)).length === 0;
      } catch {
        return false;
      }
    };
    const yoga = createGraphQLServer({ services, viewers, rateLimits });
    const addressOf = (request: IncomingMessage) => clientAddress(request, config.trustProxy);
    const routes = [
      readinessRoute(isReady),
      webhookRoute({ ...services, maxBytes: config.webhooks.maxBytes, limit: rateLimits.webhooks, addressOf }),
      documentRoute(services),
      feedRoute(services),
      consoleRoute(),
      applicationPageRoute({ ...services, limit: rateLimits.applications, addressOf }),
    ];
    const listening = createServer(serverTimeouts(config), async (request, response) => {
      securityHeaders(config, request, response);
      for (const route of routes) if (await route(request, response)) return;
      if (request.method === 'POST' && !(await readGraphQLBody(request, response, config.graphql.maxBodyBytes))) return;
      await yoga(request, response);
    });
    server = listening;
    const websocket = attachWebSocketServer({
      ...services,
      server: listening,
      yoga,
      initTimeoutMs: config.wsInitTimeoutMs,
      addressOf,
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.port, config.host, () => resolve());
    });
    const worker = config.worker.inProcess ? createWorker(services) : undefined;
    worker?.start();
    const { port } = listening.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    services.setPublicUrl(`http://${host}:${port}`);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        const workerStopped = worker?.stop(config.shutdownTimeoutMs / 2);
        // Keep-alive connections become idle as their in-flight responses finish; close them as they do.
        const reaper = setInterval(() => listening.closeIdleConnections(), 50);
        await websocket.close();
        const deadline = setTimeout(() => listening.closeAllConnections(), config.shutdownTimeoutMs - 1000);
        await closed;
        await workerStopped;
        clearInterval(reaper);
        clearTimeout(deadline);
        await yoga.dispose();
        await viewers.close();
        limitsRedis?.disconnect();
        await services.close();
      })());

    return { url: `http://${host}:${port}`, db, eventBus: services.bus, stop };
  } catch (error) {
    server?.close();
    limitsRedis?.disconnect();
    await services.close();
    throw error;
  }
}

/** Applies the migrations this server has and the database lacks, then creates the demo organisation if asked. */
async function prepareDatabase({ db, config, log }: ProcessServices) {
  const migrations = await readMigrations();
  const { applied } = await migrate(db.sql, migrations);
  if (applied.length > 0) log.info({ applied }, `Applied ${applied.length} migration(s)`);
  if (db.kind === 'pglite' && config.demoOrganization) {
    const demo = await createDemoOrganization(db.prisma, config.dataDir);
    if (demo) {
      log.info(
        `Created the demo organisation. Its admin token, shown this once, is ${demo.token} — also saved in ${demo.file}`,
      );
    }
  }
  return migrations;
}

/** Rate limits shared between processes through Redis when it is configured; each process counts alone without. */
async function rateLimitRedis(config: Config, log: Logger): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (error) =>
    log.warn(
      { err: error.message },
      'Redis unreachable for rate limits; each process counts on its own until it is back',
    ),
  );
  return redis;
}

function serverTimeouts(config: Config) {
  return {
    requestTimeout: config.requestTimeoutMs,
    // Idle keep-alive connections stay open longer than clients and proxies keep theirs (commonly 60 s), so that a
    // client never sends a request on a connection the server is closing at that moment (it would be reset).
    keepAliveTimeout: 65_000,
    headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
    // How often Node checks those timeouts (30 s by default), so a slow client is cut off close to its limit.
    connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
  };
}

// Every response: nosniff, no framing, no referrer, HSTS, and a CSP that allows nothing (the API serves data, not
// pages); the pages the server does serve set their own. GraphiQL loads its scripts from a CDN.
const apiHeaders = headersOf(
  helmet({
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  }),
);
const graphiqlHeaders = headersOf(helmet({ frameguard: { action: 'deny' }, contentSecurityPolicy: false }));

/**
 * The headers a helmet configuration sets, asked once: they depend on neither the request nor the response here,
 * and helmet's middleware computed them again for every response (2 % of a small query's time).
 */
function headersOf(middleware: ReturnType<typeof helmet>): Map<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

function securityHeaders(config: Config, request: IncomingMessage, response: ServerResponse): void {
  const showsGraphiQL =
    config.graphql.graphiql &&
    request.method === 'GET' &&
    (request.url ?? '').startsWith('/graphql') &&
    String(request.headers.accept ?? '').includes('text/html');
  response.setHeaders(showsGraphiQL ? graphiqlHeaders : apiHeaders);
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Config } from './config.ts';
import { ViewerCache } from './core/auth/viewer.ts';
import { BoardRegistry } from './core/boards.ts';
import { loadKeyring } from './core/crypto.ts';
import { createDemoOrganization } from './core/demo.ts';
import { DeliveryWorker } from './core/delivery/worker.ts';
import { openDocumentStorage } from './core/documents/open.ts';
import { DocumentLinks } from './core/documents/urls.ts';
import { loadPlugins } from './core/plugins/loader.ts';
import { BUILT_IN_PLUGINS } from './plugins/index.ts';
import { createEventBus, type EventBus } from './core/events.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate, pendingMigrations, readMigrations } from './db/migrate.ts';
import { applicationPageRoute } from './http/application-page.ts';
import { consoleRoute } from './http/console.ts';
import { documentRoute } from './http/documents.ts';
import { feedRoute } from './http/feeds.ts';
import { clientAddress, createRateLimits } from './http/rate-limits.ts';
import { readGraphQLBody } from './http/body.ts';
import { webhookRoute } from './http/webhooks.ts';
import { attachWebSocketServer } from './http/websocket.ts';
import { createGraphQLServer } from './http/yoga.ts';
import type { Logger } from './logger.ts';

export interface App {
  /** Base URL the server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  db: Database;
  eventBus: EventBus;
  /** Stops accepting, lets in-flight requests finish, closes sockets and the database. */
  stop(): Promise<void>;
}

/** Opens and migrates the database, then serves GraphQL over HTTP, SSE and WebSocket on one port. */
export async function startApp(config: Config, log: Logger): Promise<App> {
  const plugins = await loadPlugins(BUILT_IN_PLUGINS, config.boardPlugins);
  const db = await openDatabase(config);
  let eventBus: EventBus | undefined;
  let server: Server | undefined;
  let limitsRedis: Redis | undefined;
  try {
    const { keyring, file: keyFile, generated } = await loadKeyring(config.encryptionKeys, config.dataDir);
    if (generated)
      log.warn(
        `Generated an encryption key for credentials in ${keyFile}; set ENCRYPTION_KEYS in production and keep a copy of this key`,
      );
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

    eventBus = createEventBus({ redisUrl: config.redisUrl, log });
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    new Counter({
      name: 'db_statements_total',
      help: 'SQL statements sent to the database through Prisma (transaction control not counted)',
      registers: [metrics],
      collect() {
        this.reset();
        this.inc(db.statements.count);
      },
    });
    const isReady = async () => {
      try {
        return (await pendingMigrations(db.sql, migrations)).length === 0;
      } catch {
        return false;
      }
    };
    const boards = BoardRegistry.fromConfig(plugins, config, log);
    let publicUrl = config.publicUrl ?? '';
    const storage = openDocumentStorage(config.documents);
    const links = new DocumentLinks(keyring, () => publicUrl, config.documents.linkTtlSeconds);
    const viewers = new ViewerCache(db.prisma, eventBus.events, config.authCacheTtlMs);
    limitsRedis = config.redisUrl
      ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
      : undefined;
    limitsRedis?.on('error', (error) =>
      log.warn(
        { err: error.message },
        'Redis unreachable for rate limits; each process counts on its own until it is back',
      ),
    );
    const rateLimits = createRateLimits(config.rateLimits, limitsRedis);
    const yoga = createGraphQLServer({
      viewers,
      config,
      prisma: db.prisma,
      events: eventBus.events,
      log,
      boards,
      keyring,
      metrics,
      isReady,
      publicUrl: () => publicUrl,
      documents: { storage, links },
      rateLimits,
    });
    const addressOf = (request: IncomingMessage) => clientAddress(request, config.trustProxy);
    const routes = [
      webhookRoute({
        prisma: db.prisma,
        boards,
        keyring,
        events: eventBus.events,
        log,
        maxBytes: config.webhooks.maxBytes,
        metrics,
        limit: rateLimits.webhooks,
        addressOf,
      }),
      documentRoute({ prisma: db.prisma, storage, links, log }),
      feedRoute({ prisma: db.prisma, boards, keyring, publicUrl: () => publicUrl, log }),
      consoleRoute(),
      applicationPageRoute({
        prisma: db.prisma,
        boards,
        keyring,
        publicUrl: () => publicUrl,
        events: eventBus.events,
        log,
        maxDocumentBytes: config.documents.maxBytes,
        limit: rateLimits.applications,
        addressOf,
      }),
    ];
    // Every response: nosniff, no framing, no referrer, HSTS, and a CSP that allows nothing (the API serves data,
    // not pages); the pages the server does serve set their own. GraphiQL loads its scripts from a CDN.
    const securityHeaders = helmet({
      frameguard: { action: 'deny' },
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    });
    const graphiqlHeaders = helmet({ frameguard: { action: 'deny' }, contentSecurityPolicy: false });
    const showsGraphiQL = (request: IncomingMessage) =>
      config.graphql.graphiql &&
      request.method === 'GET' &&
      (request.url ?? '').startsWith('/graphql') &&
      String(request.headers.accept ?? '').includes('text/html');
    server = createServer(
      {
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
        // How often Node checks those timeouts (30 s by default), so a slow client is cut off close to its limit.
        connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
      },
      async (request, response) => {
        await new Promise<void>((resolve) =>
          (showsGraphiQL(request) ? graphiqlHeaders : securityHeaders)(request, response, () => resolve()),
        );
        for (const route of routes) if (await route(request, response)) return;
        if (request.method === 'POST' && !(await readGraphQLBody(request, response, config.graphql.maxBodyBytes)))
          return;
        await yoga(request, response);
      },
    );
    const websocket = attachWebSocketServer({
      server,
      yoga,
      prisma: db.prisma,
      events: eventBus.events,
      log,
      metrics,
      initTimeoutMs: config.wsInitTimeoutMs,
      addressOf,
    });

    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.port, config.host, () => resolve());
    });
    const worker = config.worker.inProcess
      ? new DeliveryWorker(
          {
            prisma: db.prisma,
            boards,
            keyring,
            events: eventBus.events,
            log,
            documents: {
              storage,
              maxBytes: config.documents.maxBytes,
              allowPrivateLinks: config.eventWebhookAllowPrivate,
            },
          },
          config.worker,
        )
      : undefined;
    worker?.start();
    const { port } = listening.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    publicUrl ||= `http://${host}:${port}`;
    const bus = eventBus;

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
        await bus.close();
        limitsRedis?.disconnect();
        await db.close();
      })());

    return { url: `http://${host}:${port}`, db, eventBus: bus, stop };
  } catch (error) {
    server?.close();
    limitsRedis?.disconnect();
    await eventBus?.close();
    await db.close();
    throw error;
  }
}

// npm run worker — a worker process without the HTTP API (board deliveries, status polls, the webhook inbox), for scaling out on PostgreSQL.
import { configOrExit } from './cli.ts';
import { BoardRegistry } from './core/boards.ts';
import { loadKeyring } from './core/crypto.ts';
import { DeliveryWorker } from './core/delivery/worker.ts';
import { openDocumentStorage } from './core/documents/open.ts';
import { createEventBus } from './core/events.ts';
import { loadPlugins } from './core/plugins/loader.ts';
import { BUILT_IN_PLUGINS } from './plugins/index.ts';
import { openDatabase } from './db/database.ts';
import { pendingMigrations } from './db/migrate.ts';
import { createLogger } from './logger.ts';

const config = configOrExit();
const log = createLogger(config);
try {
  const plugins = await loadPlugins(BUILT_IN_PLUGINS, config.boardPlugins);
  const { keyring } = await loadKeyring(config.encryptionKeys, config.dataDir);
  const db = await openDatabase(config);
  const pending = await pendingMigrations(db.sql);
  if (pending.length > 0)
    throw new Error(
      `The database lacks migrations ${pending.join(', ')}: start the API or run npm run db:migrate first.`,
    );
  const bus = createEventBus({ redisUrl: config.redisUrl, log });
  const boards = BoardRegistry.fromConfig(plugins, config, log);
  const documents = {
    storage: openDocumentStorage(config.documents),
    maxBytes: config.documents.maxBytes,
    allowPrivateLinks: config.eventWebhookAllowPrivate,
  };
  const worker = new DeliveryWorker(
    { prisma: db.prisma, boards, keyring, events: bus.events, log, documents },
    config.worker,
  );
  worker.start();
  log.info(`Delivery worker started (${config.worker.concurrency} at a time)`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing in-flight deliveries`);
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    void worker
      .stop(config.shutdownTimeoutMs / 2)
      .then(() => Promise.all([bus.close(), db.close()]))
      .then(() => log.info('Stopped cleanly'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  log.fatal({ err: error }, `Could not start the worker: ${(error as Error).message}`);
  process.exitCode = 1;
}

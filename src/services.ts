// The composition root: the API process (app.ts), the worker process (worker.ts) and the tests build their services
// here, and nowhere else.
import type { BoardPlugin } from '@multiposting/plugin-sdk';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Config } from './config.ts';
import { BoardRegistry } from './core/boards.ts';
import { ConnectedContracts } from './core/contracts/connected-contracts.ts';
import { loadKeyring } from './core/crypto.ts';
import { Worker } from './core/worker/worker.ts';
import { openDocumentStorage } from './core/documents/open.ts';
import { DocumentLinks } from './core/documents/urls.ts';
import { createTopicBus, type TopicBus } from './core/topics.ts';
import { loadPlugins } from './core/plugins/loader.ts';
import type { Services } from './core/services.ts';
import { openDatabase, type Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { BUILT_IN_PLUGINS } from './plugins/index.ts';

export interface ProcessServices extends Services {
  config: Config;
  db: Database;
  bus: TopicBus;
  /** The process's Prometheus metrics (the API serves them at /metrics). */
  metrics: Registry;
  /** The URL the server listens at, once it does, when PUBLIC_URL does not say it. */
  setPublicUrl(url: string): void;
  /** Closes the event bus and the database. */
  close(): Promise<void>;
}

/** Loads the board plugins (built-in, then BOARD_PLUGINS), opens the database, the keyring and the event bus. */
export async function openServices(
  config: Config,
  log: Logger,
  builtIn: readonly BoardPlugin[] = BUILT_IN_PLUGINS,
): Promise<ProcessServices> {
  const plugins = await loadPlugins(builtIn, config.boardPlugins);
  const db = await openDatabase(config);
  try {
    const { keyring, file, generated } = await loadKeyring(config.encryptionKeys, config.dataDir);
    if (generated)
      log.warn(
        `Generated an encryption key for credentials in ${file}; set ENCRYPTION_KEYS in production and keep a copy of this key`,
      );
    const metrics = processMetrics(db);
    const bus = await createTopicBus({ redisUrl: config.redisUrl, log });
    let publicUrl = config.publicUrl ?? '';
    const contracts = new ConnectedContracts(db.prisma, keyring, bus.topics, config.authCacheTtlMs);
    return {
      contracts,
      config,
      db,
      bus,
      metrics,
      prisma: db.prisma,
      keyring,
      boards: BoardRegistry.fromConfig(plugins, config, log, metrics),
      topics: bus.topics,
      log,
      documents: {
        storage: openDocumentStorage(config.documents),
        links: new DocumentLinks(keyring, () => publicUrl, config.documents.linkTtlSeconds),
        maxBytes: config.documents.maxBytes,
      },
      publicUrl: () => publicUrl,
      setPublicUrl(url) {
        publicUrl ||= url;
      },
      allowPrivateAddresses: config.eventWebhookAllowPrivate,
      async close() {
        await contracts.close();
        await bus.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The worker that delivers the queues: board calls, the webhook inbox, CV downloads, event deliveries, polls. */
export const createWorker = (services: ProcessServices) => new Worker(services, services.config.worker);

function processMetrics(db: Database): Registry {
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
  return metrics;
}

// npm run worker — a worker process without the HTTP API (board deliveries, status polls, the webhook inbox), for scaling out on PostgreSQL.
import './heap-growth.ts';
import { configOrExit } from './cli.ts';
import { pendingMigrations } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { createWorker, openServices } from './services.ts';

const config = configOrExit();
const log = createLogger(config);
try {
  const services = await openServices(config, log);
  const pending = await pendingMigrations(services.db.sql);
  if (pending.length > 0) {
    await services.close();
    throw new Error(
      `The database lacks migrations ${pending.join(', ')}: start the API or run npm run db:migrate first.`,
    );
  }
  const worker = createWorker(services);
  worker.start();
  log.info(`Worker started (${config.worker.concurrency} at a time)`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing in-flight deliveries`);
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    void worker
      .stop(config.shutdownTimeoutMs / 2)
      .then(() => services.close())
      .then(() => log.info({ statements: services.db.statements.count }, 'Stopped cleanly'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  log.fatal({ err: error }, `Could not start the worker: ${(error as Error).message}`);
  process.exitCode = 1;
}

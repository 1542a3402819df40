import './heap-growth.ts';
import { startApp } from './app.ts';
import { configOrExit } from './cli.ts';
import { DirectoryInUseError } from './db/directory-lock.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger } from './logger.ts';

const config = configOrExit();
const log = createLogger(config);

// Keeps the event loop busy while the server starts: whenever Node finds its loop empty it first waits for all of V8's
// background work, and PGlite's start leaves V8 optimising its WebAssembly for 80–150 ms, which the start would
// otherwise spend waiting (a file read after PGlite.create took 60–120 ms instead of under 25).
const starting = setInterval(() => undefined, 60_000);
try {
  const app = await startApp(config, log);
  const database = config.database.kind === 'pglite' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL';
  log.info(
    `Listening on ${app.url} (${database}${config.redisUrl ? ', events through Redis' : ''}).` +
      (config.graphql.graphiql ? ` GraphiQL: ${app.url}/graphql` : '') +
      ` Console: ${app.url}/console`,
  );

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`${signal} received: finishing in-flight requests`);
    setTimeout(() => {
      log.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.stop().then(
      () => {
        log.info('Stopped cleanly');
        process.exitCode = 0;
      },
      (error: unknown) => {
        log.error({ err: error }, 'Error while stopping');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  // Errors we raise on purpose explain themselves; only unexpected ones need their stack.
  const expected = error instanceof DirectoryInUseError || error instanceof MigrationError;
  log.fatal(expected ? {} : { err: error }, `Could not start: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  clearInterval(starting);
}

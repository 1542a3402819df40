import { ConfigError, loadConfig, type Config } from './config.ts';

/** Runs a command-line entry point: expected failures print one clear message and exit 1, without a stack. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error:\n  ${error.problems.join('\n  ')}`);
    } else if (error instanceof Error && error.name !== 'Error') {
      console.error(`${error.name}: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}

/** The configuration of a long-running process, or one line per bad variable and exit code 1. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error:\n  ${error.problems.join('\n  ')}`);
    process.exit(1);
  }
}

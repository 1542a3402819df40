import { ConfigError } from './config.ts';

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

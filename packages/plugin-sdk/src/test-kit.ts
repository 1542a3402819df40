// The conformance kit for vitest (`@multiposting/plugin-sdk/test-kit`): the checks every built-in board plugin
// passes, each as a test. Call describeBoardPlugin() in a test file of the plugin.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { conformanceChecks, type ConformanceOptions } from './conformance.ts';

export type { ConformanceOptions, KitSimulator, WebhookSample } from './conformance.ts';

/** Defines the conformance tests for one plugin: one test per check, skipped where the plugin has nothing to check. */
export function describeBoardPlugin(options: ConformanceOptions): void {
  const { checks, setUp, tearDown } = conformanceChecks(options);
  describe(`board plugin "${options.plugin.id}" conformance`, () => {
    beforeAll(setUp);
    afterAll(tearDown);
    for (const check of checks) test.runIf(check.applies)(check.name, check.run);
  });
}

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SDK_VERSION } from '@multiposting/plugin-sdk';
import { z } from 'zod';
import fjordJobs from '../../examples/fjord-jobs/plugin.ts';
import { loadPlugins, PluginLoadError, validatePlugin } from '../../src/core/plugins/loader.ts';
import { BUILT_IN_PLUGINS } from '../../src/plugins/index.ts';

const valid = { ...fjordJobs };
const operation = {
  description: 'x',
  access: 'member',
  args: z.object({}),
  result: z.object({ ok: z.boolean() }),
  resolve: async () => ({ ok: true }),
};

describe('the plugin loader', () => {
  test.each([
    ['an id that is not kebab-case', { id: 'Fjord_Jobs' }, /Board plugin .*: id: expected a kebab-case id/],
    [
      'an incompatible sdkVersion',
      { sdkVersion: '^2.0.0' },
      new RegExp(`"fjord-jobs" .*sdkVersion: it needs SDK \\^2\\.0\\.0, this server provides ${SDK_VERSION}`),
    ],
    [
      'a capability without its function',
      { capabilities: ['feed'] },
      /"fjord-jobs" .*capabilities: "feed" is declared but the plugin has no renderFeed\(\) function/,
    ],
    ['an unknown country', { country: 'XX' }, /country: expected an ISO 3166-1 alpha-2 country code/],
    [
      'an enum credential without options',
      { credentials: [{ key: 'region', label: 'Region', type: 'enum', required: true, secret: false }] },
      /credentials\.0\.options/,
    ],
    [
      'duplicate credential keys',
      { credentials: [fjordJobs.credentials[0], fjordJobs.credentials[0]] },
      /credential keys must be unique/,
    ],
    [
      'a confirmation named like a credential',
      { confirmations: [{ key: 'apiKey', label: 'x' }] },
      /confirmations\.0\.key: "apiKey" is also a credential key/,
    ],
    ['a base URL for an unknown environment', { baseUrls: { STAGING: 'https://x.example' } }, /baseUrls\.STAGING/],
    [
      "an extension field without the plugin's prefix",
      { extendSchema: { mutations: { setUserEmail: operation } } },
      /extendSchema\.mutations\.setUserEmail: "setUserEmail" must carry the plugin's prefix \(e\.g\. fjordJobsSettings or setFjordJobsSettings\)/,
    ],
    [
      'an extension operation without resolve',
      { extendSchema: { queries: { fjordJobsThing: { ...operation, resolve: undefined } } } },
      /extendSchema\.queries\.fjordJobsThing\.resolve: expected a function/,
    ],
  ])('refuses %s, naming the plugin and the field', (_case, change, message) => {
    expect(() => validatePlugin({ ...valid, ...change }, 'test')).toThrow(PluginLoadError);
    expect(() => validatePlugin({ ...valid, ...change }, 'test')).toThrow(message);
  });

  test("refuses a plugin loaded twice and one whose GraphQL names collide with another's", async () => {
    const specifier = './examples/fjord-jobs/plugin.ts';
    await expect(loadPlugins(BUILT_IN_PLUGINS, [specifier, specifier])).rejects.toThrow(
      /"fjord-jobs": id: "fjord-jobs" is used by two plugins/,
    );

    const dir = await mkdtemp(path.join(tmpdir(), 'mp-plugin-'));
    const twin = path.join(dir, 'twin.ts');
    const sdk = path.resolve('packages/plugin-sdk/dist/index.js');
    // "fjord-jobs" and "fjordjobs" differ as ids but both would be connectFjordJobs / connectFjordjobs in GraphQL.
    await writeFile(
      twin,
      `import base from ${JSON.stringify(path.resolve(specifier))};\nimport { definePlugin } from ${JSON.stringify(sdk)};\nexport default definePlugin({ ...base, id: 'fjordjobs' });\n`,
    );
    await expect(loadPlugins(BUILT_IN_PLUGINS, [specifier, twin])).rejects.toThrow(
      /"fjordjobs": id: its GraphQL name .* collides with plugin "fjord-jobs"/,
    );
  });

  test('refuses a module that cannot be imported or has no default export', async () => {
    await expect(loadPlugins(BUILT_IN_PLUGINS, ['./examples/nope/plugin.ts'])).rejects.toThrow(
      /Board plugin "\.\/examples\/nope\/plugin\.ts": could not be imported/,
    );
    const dir = await mkdtemp(path.join(tmpdir(), 'mp-plugin-'));
    const file = path.join(dir, 'empty.mjs');
    await writeFile(file, 'export const x = 1;\n');
    await expect(loadPlugins(BUILT_IN_PLUGINS, [file])).rejects.toThrow(/has no default export/);
  });

  test('loads a valid plugin from a path outside src/', async () => {
    const plugins = await loadPlugins(BUILT_IN_PLUGINS, ['./examples/fjord-jobs/plugin.ts']);
    expect(plugins.map((plugin) => plugin.id)).toContain('fjord-jobs');
  });
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventually, graphqlData } from '../support/server.ts';
import { ROOT, runScript } from '../support/process.ts';

/**
 * The proof that a third party can write a board plugin without our sources: the SDK packed as npm would publish
 * it, installed in an empty folder; a plugin scaffolded by the packed SDK's own command, installed, type-checked,
 * built and put through the conformance kit there; then loaded by package name (BOARD_PLUGINS) into the server,
 * which publishes a job through it to the plugin's own simulator.
 */

const run = promisify(execFile);
// A clean environment: nothing of this test run (vitest's variables, the project's node_modules) leaks in.
const env = {
  PATH: process.env.PATH!,
  HOME: process.env.HOME!,
  NO_COLOR: '1',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
const npm = (cwd: string, ...args: string[]) => run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });

let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mp-sdk-package-'));
  const { stdout } = await npm(path.join(ROOT, 'packages/plugin-sdk'), 'pack', '--pack-destination', work, '--json');
  tarball = path.join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the packed SDK installs in an empty folder and imports as JavaScript with its type declarations', async () => {
  const empty = path.join(work, 'empty');
  await mkdir(empty);
  await npm(empty, 'install', '--prefer-offline', tarball);
  const installed = path.join(empty, 'node_modules/@multiposting/plugin-sdk');
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
  const sdk = await import(pathToFileURL(path.join(installed, manifest.exports['.'].default)).href);
  expect(sdk.SDK_VERSION).toBe(manifest.version);
  expect(typeof sdk.definePlugin).toBe('function');
  for (const entry of Object.values(manifest.exports) as ({ types: string } | string)[]) {
    if (typeof entry !== 'string') expect(await readFile(path.join(installed, entry.types), 'utf8')).toMatch(/export/);
  }
}, 120_000);

test('a plugin scaffolded by the packed SDK type-checks, passes the kit and is loaded by the server by package name', async () => {
  const empty = path.join(work, 'empty');
  const plugin = path.join(work, 'acme-jobs');
  await run(path.join(empty, 'node_modules/.bin/multiposting-plugin'), ['new', 'acme-jobs', plugin], { env });

  // The plugin's SDK is the packed one (as from the registry).
  const manifest = JSON.parse(await readFile(path.join(plugin, 'package.json'), 'utf8'));
  manifest.devDependencies['@multiposting/plugin-sdk'] = `file:${tarball}`;
  await writeFile(path.join(plugin, 'package.json'), JSON.stringify(manifest, null, 2));
  await npm(plugin, 'install', '--prefer-offline');
  await npm(plugin, 'run', 'typecheck');
  await npm(plugin, 'run', 'build');
  const kit = await npm(plugin, 'test');
  expect(Number(/Tests\s+(\d+) passed/.exec(kit.stdout)?.[1]), kit.stdout).toBeGreaterThan(10);
  expect(kit.stdout).not.toMatch(/failed/);

  // A deployment: the plugin installed next to the server, named in BOARD_PLUGINS.
  const deployment = path.join(work, 'deployment');
  await mkdir(path.join(deployment, 'node_modules'), { recursive: true });
  await symlink(plugin, path.join(deployment, 'node_modules', manifest.name), 'dir');
  const { startBoardSimulator, API_KEYS } = await import(pathToFileURL(path.join(plugin, 'dist/simulator.js')).href);
  const board = await startBoardSimulator();
  const server = runScript(
    'src/server.ts',
    {
      DATA_DIR: path.join(work, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
      BOARD_PLUGINS: manifest.name,
      BOARD_BASE_URLS: `acme-jobs=${board.url}`,
      WORKER_POLL_MS: '50',
    },
    [],
    { cwd: deployment },
  );
  try {
    const [, token] = await server.waitFor(/admin token, shown this once, is (\S+)/, 60_000);
    const [, url] = await server.waitFor(/Listening on (http:\/\/\S+) /, 60_000);
    const gql = (query: string, variables?: Record<string, unknown>) => graphqlData(url!, query, variables, token);
    expect((await gql('{ boards(search: "acme") { id name } }')).boards).toEqual([
      { id: 'acme-jobs', name: 'Acme Jobs' },
    ]);
    const refused = await gql(
      'mutation ($input: ConnectAcmeJobsInput!) { connectAcmeJobs(input: $input) { ... on Contract { status statusReason } } }',
      {
        input: { environment: 'SANDBOX', credentials: { apiKey: API_KEYS.refused } },
      },
    );
    expect(refused.connectAcmeJobs).toEqual({
      status: 'INVALID_CREDENTIALS',
      statusReason: 'Acme Jobs does not know this API key.',
    });
    const contract = (
      await gql(
        'mutation ($input: ConnectAcmeJobsInput!) { connectAcmeJobs(input: $input) { ... on Contract { id status } } }',
        {
          input: { environment: 'SANDBOX', credentials: { apiKey: API_KEYS.valid } },
        },
      )
    ).connectAcmeJobs;
    expect(contract.status).toBe('ACTIVE');
    const job = (
      await gql('mutation { createJob(input: { title: "Nurse", description: "<p>Care.</p>" }) { ... on Job { id } } }')
    ).createJob;
    const posting = (
      await gql(
        'mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id } } }',
        {
          input: { jobId: job.id, contractId: contract.id, boardFields: { category: 'CARE' } },
        },
      )
    ).publishPosting;
    expect(posting.__typename).toBe('Posting');
    const read = async () =>
      (await gql('query ($id: ID!) { posting(id: $id) { status externalUrl } }', { id: posting.id })).posting;
    await eventually(
      async () => (await read()).status === 'PUBLISHED',
      30_000,
      'the posting published through the third-party plugin',
    );
    expect((await read()).externalUrl).toMatch(/^https:\/\/board\.example\/jobs\//);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await board.close();
  }
}, 300_000);

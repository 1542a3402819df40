import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { rotateCredentialKeys } from '../src/core/contracts/key-rotation.ts';
import { Keyring } from '../src/core/crypto.ts';
import type { Simulator } from '@multiposting/plugin-sdk/simulator';
import { createTestDatabase, startTestServer, type TestDatabase } from './support/server.ts';

let simulator: Simulator;
let database: TestDatabase;
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const keys = (...entries: [string, Buffer][]) =>
  entries.map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');

beforeAll(async () => {
  simulator = await startFjordJobsSimulator();
  database = await createTestDatabase();
});
afterAll(async () => {
  await simulator?.close();
  await database?.drop();
});

const env = (encryptionKeys?: string) => ({
  BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
  BOARD_BASE_URLS: `fjord-jobs=${simulator.url}`,
  ...(encryptionKeys ? { ENCRYPTION_KEYS: encryptionKeys } : {}),
});

const CONNECT = `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id status } } }`;
const CONNECT_FEED = `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "a@b.example", clientId: "40213", publicationMode: OWN_WEBSITE } }) { ... on Contract { id feedUrl } } }`;
const FEED_URL = 'query ($id: ID!) { contract(id: $id) { feedUrl } }';
const VERIFY = 'mutation ($id: ID!) { verifyContract(id: $id) { ... on Contract { status } } }';
const input = {
  environment: 'SANDBOX',
  termsAccepted: true,
  credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
};

test('without ENCRYPTION_KEYS a key is generated into DATA_DIR, said in the log, and reused on the next start', async () => {
  const first = await startTestServer({ database, env: env() });
  const file = path.join(database.env.DATA_DIR!, 'encryption-key');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(first.logs.join('\n')).toMatch(/Generated an encryption key for credentials in .*encryption-key/);
  const token = await first.tokenFor('keys');
  const contract = (await first.graphql(CONNECT, { token, variables: { input } })).body.data!.connectFjordJobs;
  expect(contract.status).toBe('ACTIVE');
  const keyFile = await readFile(file, 'utf8');
  await first.stop();

  const second = await startTestServer({ database, env: env() });
  expect(second.logs.join('\n')).not.toMatch(/Generated an encryption key/);
  expect(await readFile(file, 'utf8')).toBe(keyFile);
  expect(
    (await second.graphql(VERIFY, { token, variables: { id: contract.id } })).body.data!.verifyContract.status,
  ).toBe('ACTIVE');
  await second.stop();
});

test('keys rotate while a server runs: old and new ciphertexts both read, then everything is under the new key', async () => {
  const database = await createTestDatabase();
  const before = await startTestServer({ database, env: env(keys(['k1', oldKey])) });
  const token = await before.tokenFor('rotation');
  const contract = (await before.graphql(CONNECT, { token, variables: { input } })).body.data!.connectFjordJobs;
  const feed = (await before.graphql(CONNECT_FEED, { token })).body.data!.connectIngoedebanen;
  const feedToken = (url: string) => url.split('/').pop();
  await before.stop();

  // Step 1: the server runs with the new key first and the old one after it.
  const during = await startTestServer({ database, env: env(keys(['k2', newKey], ['k1', oldKey])) });
  const prisma = during.app.db.prisma;
  expect(await prisma.contractCredential.count({ where: { keyId: 'k1' } })).toBeGreaterThanOrEqual(2);
  expect(
    (await during.graphql(VERIFY, { token, variables: { id: contract.id } })).body.data!.verifyContract.status,
  ).toBe('ACTIVE');

  // Step 2: re-encrypt (npm run keys:rotate), with the server answering throughout.
  const verifying = Promise.all(
    Array.from({ length: 5 }, () => during.graphql(VERIFY, { token, variables: { id: contract.id } })),
  );
  const rotated = await rotateCredentialKeys(
    prisma,
    new Keyring([
      { id: 'k2', key: newKey },
      { id: 'k1', key: oldKey },
    ]),
    1,
  );
  for (const answer of await verifying) expect(answer.body.data!.verifyContract.status).toBe('ACTIVE');
  expect(rotated).toBeGreaterThanOrEqual(2);
  expect(await prisma.contractCredential.count({ where: { keyId: { not: 'k2' } } })).toBe(0);
  expect(await prisma.contract.count({ where: { feedTokenKeyId: 'k1' } })).toBe(0);
  await during.stop();

  // Step 3: the old key is gone, everything still reads.
  const after = await startTestServer({ database, env: env(keys(['k2', newKey])) });
  expect(
    (await after.graphql(VERIFY, { token, variables: { id: contract.id } })).body.data!.verifyContract.status,
  ).toBe('ACTIVE');
  // The feed token was re-sealed, not replaced: the board keeps reading the same address.
  const feedUrl = (await after.graphql(FEED_URL, { token, variables: { id: feed.id } })).body.data!.contract
    .feedUrl as string;
  expect(feedToken(feedUrl)).toBe(feedToken(feed.feedUrl));
  expect((await fetch(feedUrl)).status).toBe(200);
  await after.stop();
  await database.drop();
});

test('a value sealed for one contract field cannot be opened as another', () => {
  const keyring = new Keyring([{ id: 'k', key: randomBytes(32) }]);
  const sealed = keyring.seal('secret', 'contract:a:apiKey');
  expect(keyring.open(sealed, 'contract:a:apiKey')).toBe('secret');
  expect(() => keyring.open(sealed, 'contract:b:apiKey')).toThrow();
  expect(keyring.seal('secret', 'x').data).not.toBe(keyring.seal('secret', 'x').data);
});

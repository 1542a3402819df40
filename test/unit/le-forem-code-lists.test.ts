import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { codeList } from '../../src/plugins/le-forem/code-lists.ts';
import { refreshCodeLists } from '../../src/plugins/le-forem/refresh-code-lists.ts';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../../src/plugins/le-forem/simulator.ts';

let simulator: Awaited<ReturnType<typeof startLeForemSimulator>>;
let dir: string;
beforeAll(async () => {
  simulator = await startLeForemSimulator();
  dir = await mkdtemp(join(tmpdir(), 'le-forem-lists-'));
});
afterAll(async () => {
  await simulator?.close();
  await rm(dir, { recursive: true, force: true });
});

test("the refresh script rewrites each list from Le Forem's open data, with the subscription key", async () => {
  const counts = await refreshCodeLists({
    baseUrl: simulator.url,
    apiKey: LE_FOREM_PARTNERS.ACME01!,
    dir,
    datasets: ['contrattravail', 'tempstravail'],
  });
  expect(counts).toEqual({ contrattravail: 12, tempstravail: 9 });
  const written = JSON.parse(await readFile(join(dir, 'contrattravail.json'), 'utf8'));
  expect(written).toMatchObject({ dataset: 'contrattravail', version: '1.0' });
  // The board's list and the one the plugin ships hold the same codes.
  expect(Object.keys(written.codes).sort()).toEqual(Object.keys(codeList('contrattravail')).sort());
  expect(simulator.calls.at(-1)).toMatchObject({ method: 'GET', path: '/OffresEmploi/OpenData/1.0/tempstravail' });

  await expect(
    refreshCodeLists({ baseUrl: simulator.url, apiKey: 'wrong', dir, datasets: ['langue'] }),
  ).rejects.toThrow('langue: Le Forem answered 401');
});

import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { consumeCredit, NotEnoughCredits, releaseCredit, reserveCredit } from '../src/core/credits.ts';
import type { Simulator } from '@multiposting/plugin-sdk/simulator';
import { connectFjord } from './support/fjord.ts';
import { localId } from './support/graphql.ts';
import { startTestServer, type TestServer } from './support/server.ts';

let simulator: Simulator;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  simulator = await startFjordJobsSimulator();
  server = await startTestServer({
    env: { BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts', BOARD_BASE_URLS: `fjord-jobs=${simulator.url}` },
  });
  admin = await server.tokenFor('ledger');
});
afterAll(async () => {
  await server?.stop();
  await simulator?.close();
});

async function contractWithCredits(credits: number | null): Promise<{ globalId: string; id: string }> {
  const globalId = await connectFjord(server, admin, credits);
  return { globalId, id: localId(globalId) };
}

const readCredits = async (globalId: string) =>
  (
    await server.graphql('query ($id: ID!) { contract(id: $id) { credits { total used remaining } } }', {
      token: admin,
      variables: { id: globalId },
    })
  ).body.data!.contract.credits;

test('50 concurrent reservations against 10 credits: exactly 10 succeed and the balance never goes below zero', async () => {
  const contract = await contractWithCredits(10);
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, index) => reserveCredit(server.app.db.prisma, contract.id, `posting-${index}`)),
  );
  const succeeded = results.filter((result) => result.status === 'fulfilled');
  const refused = results.filter((result) => result.status === 'rejected');
  expect(succeeded).toHaveLength(10);
  expect(refused).toHaveLength(40);
  for (const result of refused) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NotEnoughCredits);
  expect(await readCredits(contract.globalId)).toEqual({ total: 10, used: 10, remaining: 0 });
  expect(await server.app.db.prisma.creditEntry.count({ where: { contractId: contract.id, kind: 'RESERVE' } })).toBe(
    10,
  );
});

test('reserve, consume and release are ledger rows, each idempotent per reference', async () => {
  const contract = await contractWithCredits(2);
  const prisma = server.app.db.prisma;
  await reserveCredit(prisma, contract.id, 'a');
  await reserveCredit(prisma, contract.id, 'a');
  await reserveCredit(prisma, contract.id, 'b');
  expect(await readCredits(contract.globalId)).toEqual({ total: 2, used: 2, remaining: 0 });
  await expect(reserveCredit(prisma, contract.id, 'c')).rejects.toBeInstanceOf(NotEnoughCredits);

  await consumeCredit(prisma, contract.id, 'a');
  await consumeCredit(prisma, contract.id, 'a');
  await releaseCredit(prisma, contract.id, 'b');
  await releaseCredit(prisma, contract.id, 'b');
  expect(await readCredits(contract.globalId)).toEqual({ total: 2, used: 1, remaining: 1 });
  await expect(releaseCredit(prisma, contract.id, 'a')).rejects.toThrow(/already consumed/);
  await expect(consumeCredit(prisma, contract.id, 'never-reserved')).rejects.toThrow(/No credit is reserved/);

  const kinds = (
    await prisma.creditEntry.findMany({ where: { contractId: contract.id }, orderBy: { createdAt: 'asc' } })
  ).map((entry) => `${entry.kind}:${entry.reference}`);
  expect(kinds.sort()).toEqual(['CONSUME:a', 'RELEASE:b', 'RESERVE:a', 'RESERVE:b']);
});

test('a contract without a credit count never runs out', async () => {
  const { globalId, id } = await contractWithCredits(null);
  expect(await readCredits(globalId)).toEqual({ total: null, used: 0, remaining: null });
  await Promise.all(Array.from({ length: 5 }, (_, index) => reserveCredit(server.app.db.prisma, id, `p${index}`)));
  expect(await readCredits(globalId)).toEqual({ total: null, used: 5, remaining: null });
});

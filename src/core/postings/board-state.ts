import type { PrismaClient } from '../../db/database.ts';
import type { Contract } from '../../db/generated/prisma/client.ts';
import type { FeedSource } from '../../plugin-sdk/feeds.ts';
import type { BoardPlugin, PostingState } from '../../plugin-sdk/types.ts';
import type { BoardRegistry } from '../boards.ts';
import { openCredentials } from '../contracts/credentials.ts';
import type { Keyring } from '../crypto.ts';

/** Asks the board, with the contract's credentials, where one of its postings stands. */
export async function fetchBoardState(
  deps: { prisma: PrismaClient; keyring: Keyring; boards: BoardRegistry },
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
  externalId: string,
  signal?: AbortSignal,
): Promise<PostingState | null> {
  if (!plugin.fetchPosting) return null;
  const rows = await deps.prisma.contractCredential.findMany({ where: { contractId: contract.id } });
  const credentials = openCredentials(deps.keyring, contract.id, rows);
  return plugin.fetchPosting({ ...deps.boards.context(plugin, contract.environment, credentials, signal), externalId });
}

/** Which publications a feed board's contract feeds, from its settings (`postings` unless the plugin says). */
export async function feedSourceOf(
  deps: { prisma: PrismaClient; keyring: Keyring; boards: BoardRegistry },
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
): Promise<FeedSource> {
  if (!plugin.feedSource) return 'postings';
  const rows = await deps.prisma.contractCredential.findMany({ where: { contractId: contract.id } });
  return plugin.feedSource(deps.boards.context(plugin, contract.environment, openCredentials(deps.keyring, contract.id, rows)));
}

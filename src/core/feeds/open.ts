import type { BoardPlugin, Credentials } from '@multiposting/plugin-sdk';
import type { Services } from '../services.ts';
import { effectiveStatus } from '../contracts/contracts.ts';
import { openCredentials } from '../contracts/credentials.ts';
import { todayOf, type FeedScope } from './feed.ts';
import { feedTokenHash } from './tokens.ts';

export type FeedDeps = Pick<Services, 'prisma' | 'boards' | 'keyring' | 'publicUrl'>;

/** The hosted application page of a job published through a contract. */
export const applicationPagePath = (contractId: string, jobId: string) => `/apply/${contractId}/${jobId}`;

/** The contract a feed URL's token belongs to (on that board), with what serving its feed needs; null for none. */
export async function openFeed(deps: FeedDeps, boardId: string, token: string, now = new Date()) {
  const plugin = deps.boards.get(boardId);
  if (!plugin?.renderFeed || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const contract = await deps.prisma.contract.findUnique({
    where: { feedTokenHash: feedTokenHash(token) },
    include: { credentials: true },
  });
  if (!contract || contract.boardId !== plugin.id || contract.credentials.length === 0) return null;
  const credentials: Credentials = openCredentials(deps.keyring, contract.id, contract.credentials);
  const target = { environment: contract.environment, credentials };
  const scope: FeedScope = {
    contract,
    source: plugin.feedSource
      ? await deps.boards.call(plugin, 'feedSource', target, (context) => plugin.feedSource!(context))
      : 'postings',
    active: effectiveStatus(contract, now) === 'ACTIVE',
    applicationPageUrl: (jobId) => `${deps.publicUrl()}${applicationPagePath(contract.id, jobId)}`,
    today: todayOf(now),
  };
  const context = deps.boards.context(plugin, target);
  return { plugin: plugin as BoardPlugin & Required<Pick<BoardPlugin, 'renderFeed'>>, contract, context, scope };
}

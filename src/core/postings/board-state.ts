import type { PrismaClient } from '../../db/database.ts';
import type { Contract } from '../../db/generated/prisma/client.ts';
import {
  BoardError,
  type BoardPlugin,
  type FeedSource,
  type PostingPayload,
  type PostingState,
} from '@multiposting/plugin-sdk';
import type { FieldError } from '../errors.ts';
import type { BoardRegistry } from '../boards.ts';
import { openCredentials } from '../contracts/credentials.ts';
import type { Keyring } from '../crypto.ts';

type Deps = { prisma: PrismaClient; keyring: Keyring; boards: BoardRegistry };

/** The context of a plugin call for a contract: its stored credentials, decrypted. */
async function contractContext(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
  signal?: AbortSignal,
) {
  const rows = await deps.prisma.contractCredential.findMany({ where: { contractId: contract.id } });
  return deps.boards.context(plugin, contract.environment, openCredentials(deps.keyring, contract.id, rows), signal);
}

/**
 * Asks the board, with the contract's credentials, where one of its postings stands. A board that fails answers
 * as the API's BoardUnavailableError (retryable or not).
 */
export async function fetchBoardState(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
  externalId: string,
  signal?: AbortSignal,
): Promise<PostingState | null> {
  if (!plugin.fetchPosting) return null;
  const context = await contractContext(deps, plugin, contract, signal);
  try {
    return await plugin.fetchPosting({ ...context, externalId });
  } catch (error) {
    throw deps.boards.failure(error, context.credentials);
  }
}

/** Which publications a feed board's contract feeds, from its settings (`postings` unless the plugin says). */
export async function feedSourceOf(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
): Promise<FeedSource> {
  if (!plugin.feedSource) return 'postings';
  return plugin.feedSource(await contractContext(deps, plugin, contract));
}

/**
 * The board's dry run of a posting (`validatePosting`): the board fields it refuses, as errors on `boardFields`.
 * A board that does not answer, or fails otherwise, refuses nothing here: the posting is queued and the board
 * checks it again when it is delivered.
 */
export async function checkOnBoard(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
  posting: PostingPayload,
): Promise<FieldError[]> {
  if (!plugin.validatePosting) return [];
  const context = await contractContext(deps, plugin, contract);
  try {
    await plugin.validatePosting({ ...context, posting });
    return [];
  } catch (error) {
    if (!(error instanceof BoardError) || error.code !== 'VALIDATION' || error.retryable) return [];
    const fields = error.fields.map((field) => ({
      path: ['boardFields', ...field.path.map(String)],
      message: deps.boards.redact(field.message, context.credentials),
    }));
    return fields.length > 0
      ? fields
      : [{ path: ['boardFields'], message: deps.boards.redact(error.userMessage, context.credentials) }];
  }
}

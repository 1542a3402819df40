import type { Contract } from '../../db/generated/prisma/client.ts';
import type { BoardPlugin, FeedSource, PostingPayload, PostingState } from '@multiposting/plugin-sdk';
import { BoardUnavailableError, type FieldError } from '../errors.ts';
import type { Services } from '../services.ts';
import { openCredentials } from '../contracts/credentials.ts';

type Deps = Pick<Services, 'prisma' | 'keyring' | 'boards'>;

/** Where a plugin call for a contract goes: its environment and its stored credentials, decrypted. */
async function contractTarget(deps: Deps, contract: Pick<Contract, 'id' | 'environment'>, signal?: AbortSignal) {
  const rows = await deps.prisma.contractCredential.findMany({ where: { contractId: contract.id } });
  return { environment: contract.environment, credentials: openCredentials(deps.keyring, contract.id, rows), signal };
}

/** Asks the board, with the contract's credentials, where one of its postings stands (BoardUnavailableError if it fails). */
export async function fetchBoardState(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
  externalId: string,
  signal?: AbortSignal,
): Promise<PostingState | null> {
  if (!plugin.fetchPosting) return null;
  const target = await contractTarget(deps, contract, signal);
  return deps.boards.call(plugin, 'fetchPosting', target, (context) =>
    plugin.fetchPosting!({ ...context, externalId }),
  );
}

/** Which publications a feed board's contract feeds, from its settings (`postings` unless the plugin says). */
export async function feedSourceOf(
  deps: Deps,
  plugin: BoardPlugin,
  contract: Pick<Contract, 'id' | 'environment'>,
): Promise<FeedSource> {
  if (!plugin.feedSource) return 'postings';
  const target = await contractTarget(deps, contract);
  return deps.boards.call(plugin, 'feedSource', target, (context) => plugin.feedSource!(context));
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
  try {
    await deps.boards.call(plugin, 'validatePosting', await contractTarget(deps, contract), (context) =>
      plugin.validatePosting!({ ...context, posting }),
    );
    return [];
  } catch (error) {
    if (!(error instanceof BoardUnavailableError) || error.code !== 'VALIDATION' || error.retryable) return [];
    const fields = error.fields.map((field) => ({
      path: ['boardFields', ...field.path.map(String)],
      message: field.message,
    }));
    return fields.length > 0 ? fields : [{ path: ['boardFields'], message: error.message }];
  }
}

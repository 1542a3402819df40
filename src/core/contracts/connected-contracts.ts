import type { Credentials } from '@multiposting/plugin-sdk';
import type { PrismaClient } from '../../db/database.ts';
import type { Keyring } from '../crypto.ts';
import { openCredentials } from './credentials.ts';
import { rowId } from '../ids.ts';
import { KeptValues } from '../kept-values.ts';
import type { Topics } from '../topics.ts';

/** What calling a board, or checking its webhook delivery, needs of a contract: its credentials opened. */
export interface ConnectedContract {
  id: string;
  organizationId: string;
  environment: string;
  credentials: Credentials;
}

/**
 * Contracts with their credentials opened, kept for `ttlMs` so that a board call or a webhook delivery does not
 * read and decrypt them each time. A change of credentials (connect again, update, disconnect)
 * evicts the contract at once in this process and, through the `contract.credentialsChanged` event (fanned out
 * by Redis), in the others. Unknown contracts are never kept.
 */
export class ConnectedContracts {
  private readonly contracts: KeptValues<ConnectedContract>;
  private readonly changes: AsyncIterator<unknown>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: Keyring,
    topics: Topics,
    ttlMs: number,
  ) {
    this.contracts = new KeptValues(ttlMs);
    const changes = topics.subscribe('contract.credentialsChanged');
    this.changes = changes;
    void (async () => {
      for await (const { contractId } of changes) this.forget(contractId);
    })();
  }

  /** The connected contract of this board with this id, or null. */
  get(boardId: string, contractId: string): Promise<ConnectedContract | null> {
    return this.contracts.get(`${boardId}/${contractId}`, () => this.read(boardId, contractId));
  }

  forget(contractId: string): void {
    this.contracts.forget((contract) => contract.id === contractId);
  }

  async close(): Promise<void> {
    await this.changes.return?.();
  }

  private async read(boardId: string, contractId: string): Promise<ConnectedContract | null> {
    const contract = await this.prisma.contract.findFirst({
      where: { id: rowId(contractId), boardId, status: { not: 'DISCONNECTED' } },
      select: { id: true, organizationId: true, environment: true, credentials: true },
    });
    if (!contract || contract.credentials.length === 0) return null;
    const credentials = openCredentials(this.keyring, contract.id, contract.credentials);
    return { id: contract.id, organizationId: contract.organizationId, environment: contract.environment, credentials };
  }
}

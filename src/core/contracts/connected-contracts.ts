import type { Credentials } from '@multiposting/plugin-sdk';
import type { PrismaClient } from '../../db/database.ts';
import type { Keyring } from '../crypto.ts';
import { openCredentials } from './credentials.ts';
import { rowId } from '../ids.ts';
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
  private readonly entries = new Map<string, { contract: ConnectedContract; until: number }>();
  private readonly changes: AsyncIterator<unknown>;
  /** Moves on every eviction: a lookup that started before one must not keep what it read. */
  private generation = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: Keyring,
    topics: Topics,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {
    const changes = topics.subscribe('contract.credentialsChanged');
    this.changes = changes;
    void (async () => {
      for await (const { contractId } of changes) this.forget(contractId);
    })();
  }

  /** The connected contract of this board with this id, or null. */
  async get(boardId: string, contractId: string): Promise<ConnectedContract | null> {
    const key = `${boardId}/${contractId}`;
    const cached = this.entries.get(key);
    if (cached && cached.until > Date.now()) return cached.contract;
    const generation = this.generation;
    const contract = await this.read(boardId, contractId);
    this.entries.delete(key);
    if (contract && this.ttlMs > 0 && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { contract, until: Date.now() + this.ttlMs });
    }
    return contract;
  }

  forget(contractId: string): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (entry.contract.id === contractId) this.entries.delete(key);
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

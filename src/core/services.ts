import type { PrismaClient } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { BoardRegistry } from './boards.ts';
import type { ConnectedContracts } from './contracts/connected-contracts.ts';
import type { Keyring } from './crypto.ts';
import type { DocumentStorage } from './documents/storage.ts';
import type { DocumentLinks } from './documents/urls.ts';
import type { Topics } from './topics.ts';

/** Where documents (CVs) are kept, how they are linked to, and the largest one taken in. */
export interface Documents {
  storage: DocumentStorage;
  links: DocumentLinks;
  maxBytes: number;
}

/**
 * What the core works with. The composition root (`src/services.ts`) builds it once for the API process, the worker
 * process and the tests; each core function declares the part it needs with `Pick<Services, …>`.
 */
export interface Services {
  prisma: PrismaClient;
  keyring: Keyring;
  /** The loaded board plugins and the one way to call them. */
  boards: BoardRegistry;
  /** Contracts with their credentials opened, kept a few seconds (AUTH_CACHE_TTL_MS) for board calls and webhooks. */
  contracts: ConnectedContracts;
  /** Pub/sub topics (subscriptions, worker wake-ups), across processes when Redis is configured. */
  topics: Topics;
  log: Logger;
  documents: Documents;
  /** The absolute URL the API is reached at (webhook, feed and document links start with it). */
  publicUrl(): string;
  /**
   * Whether links the server follows or sends to (boards' CV links, event endpoints) may be plain http or point at
   * loopback and private addresses: outside production only.
   */
  allowPrivateAddresses: boolean;
}

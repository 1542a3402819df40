import type { Viewer } from '../core/auth/viewer.ts';
import type { BoardRegistry } from '../core/boards.ts';
import type { Keyring } from '../core/crypto.ts';
import type { DocumentStorage } from '../core/documents/storage.ts';
import type { DocumentLinks } from '../core/documents/urls.ts';
import type { Events } from '../core/events.ts';
import type { PrismaClient } from '../db/database.ts';
import type { Logger } from '../logger.ts';

export interface Context {
  prisma: PrismaClient;
  events: Events;
  log: Logger;
  boards: BoardRegistry;
  keyring: Keyring;
  /** The absolute URL this server is reached at (webhook URLs start with it). */
  publicUrl: () => string;
  documents: { storage: DocumentStorage; links: DocumentLinks };
  /** Event endpoints may be plain http and point at private addresses (outside production). */
  allowPrivateEndpoints: boolean;
  /** Where the request comes from (rate limits per address). */
  clientAddress: string;
  /** Null only for introspection-only operations, which the server lets through without a token. */
  viewer: Viewer | null;
}

/** The viewer of an operation the server authenticated; every resolver outside introspection has one. */
export function viewerOf(context: Context): Viewer {
  if (!context.viewer) throw new Error('Resolver reached without an authenticated viewer.');
  return context.viewer;
}

import type { PrismaClient } from '../../db/database.ts';
import type { Topics } from '../topics.ts';
import type { Role, TokenScope } from '../../db/generated/prisma/enums.ts';
import { hashToken } from './tokens.ts';
import { KeptValues } from '../kept-values.ts';

/** Who is calling: the organisation, the user and the token every resolver filters by. */
export interface Viewer {
  organizationId: string;
  userId: string;
  role: Role;
  tokenId: string;
  scopes: TokenScope[];
}

/** How long a token's lastUsedAt may lag behind; writing it on every request would cost a row update each time. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The viewer a token stands for, or null when the token is unknown or revoked. Checked against the database on
 * every call, so a revocation takes effect at once. */
export async function authenticate(prisma: PrismaClient, token: string): Promise<Viewer | null> {
  const record = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      organizationId: true,
      scopes: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { id: true, role: true } },
    },
  });
  if (!record || record.revokedAt) return null;
  const now = Date.now();
  if (!record.lastUsedAt || now - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    organizationId: record.organizationId,
    userId: record.user.id,
    role: record.user.role,
    tokenId: record.id,
    scopes: record.scopes,
  };
}

/** Whether a token record is still valid; used to re-check long-lived connections. */
export async function isTokenActive(prisma: PrismaClient, tokenId: string): Promise<boolean> {
  const record = await prisma.apiToken.findUnique({ where: { id: tokenId }, select: { revokedAt: true } });
  return Boolean(record && !record.revokedAt);
}

/** The caches of this process, so that a revocation made here evicts at once, before its event comes back. */
const caches = new Set<ViewerCache>();

/** Drops a revoked token from every cache of this process (other processes hear the `token.revoked` event). */
export function forgetToken(tokenId: string): void {
  for (const cache of caches) cache.forget(tokenId);
}

/**
 * Viewers of HTTP requests by token, kept for `ttlMs` so that a request does not read its token from the
 * database each time. A revocation evicts the token at once in this process and, through the `token.revoked`
 * event (fanned out by Redis), in the others. Unknown and revoked tokens are never cached.
 */
export class ViewerCache {
  private readonly viewers: KeptValues<Viewer>;
  private readonly revocations: AsyncIterator<{ tokenId: string }>;

  constructor(
    private readonly prisma: PrismaClient,
    topics: Topics,
    ttlMs: number,
  ) {
    this.viewers = new KeptValues(ttlMs);
    caches.add(this);
    const revocations = topics.subscribe('token.revoked');
    this.revocations = revocations;
    void (async () => {
      for await (const { tokenId } of revocations) this.forget(tokenId);
    })();
  }

  authenticate(token: string): Promise<Viewer | null> {
    return this.viewers.get(hashToken(token), () => authenticate(this.prisma, token));
  }

  forget(tokenId: string): void {
    this.viewers.forget((viewer) => viewer.tokenId === tokenId);
  }

  async close(): Promise<void> {
    caches.delete(this);
    await this.revocations.return?.();
  }
}

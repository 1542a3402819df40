import type { PrismaClient } from '../../db/database.ts';
import type { Role, TokenScope } from '../../db/generated/prisma/enums.ts';
import { hashToken } from './tokens.ts';

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
    select: { id: true, organizationId: true, scopes: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, role: true } } },
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

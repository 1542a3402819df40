import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../db/database.ts';
import { TokenScope } from '../../db/generated/prisma/enums.ts';
import { NotFoundError, parseInput } from '../errors.ts';
import type { Topics } from '../topics.ts';
import { publishAfter } from '../topics.ts';
import { generateToken } from './tokens.ts';
import { forgetToken } from './viewer.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const tokenInputSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.enum(TokenScope))
    .min(1, 'must name at least one scope')
    .transform((scopes) => [...new Set(scopes)]),
});

/** Stores a new token for a user and returns its one-time plaintext with the stored record. */
export async function insertToken(
  db: Db,
  input: { organizationId: string; userId: string; name: string; scopes: TokenScope[] },
) {
  const { token, hash, prefix } = generateToken();
  const record = await db.apiToken.create({ data: { ...input, tokenHash: hash, prefix } });
  return { token, record };
}

export async function createApiToken(
  prisma: PrismaClient,
  topics: Topics,
  organizationId: string,
  input: { name: string; scopes: TokenScope[]; userId: string },
) {
  const parsed = parseInput(tokenInputSchema, input);
  const user = await prisma.user.findFirst({ where: { id: input.userId, organizationId }, select: { id: true } });
  if (!user) throw new NotFoundError('user', input.userId);
  return publishAfter(topics, async (emit) => {
    const created = await insertToken(prisma, { organizationId, userId: user.id, ...parsed });
    emit('apiToken.changed', organizationId, { action: 'CREATED', tokenId: created.record.id });
    return created;
  });
}

/** Revokes a token of the organisation; revoking one already revoked changes nothing. */
export async function revokeApiToken(prisma: PrismaClient, topics: Topics, organizationId: string, tokenId: string) {
  return publishAfter(topics, async (emit) => {
    const updated = await prisma.apiToken.updateManyAndReturn({
      where: { id: tokenId, organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const record = updated[0] ?? (await prisma.apiToken.findFirst({ where: { id: tokenId, organizationId } }));
    if (!record) throw new NotFoundError('API token', tokenId);
    if (updated.length > 0) {
      emit('apiToken.changed', organizationId, { action: 'REVOKED', tokenId });
      emit('token.revoked', { tokenId });
    }
    return record;
  }).then((record) => {
    forgetToken(tokenId);
    return record;
  });
}

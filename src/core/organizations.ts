import { z } from 'zod';
import type { PrismaClient } from '../db/database.ts';
import type { Role, TokenScope } from '../db/generated/prisma/enums.ts';
import { insertToken } from './auth/api-tokens.ts';
import { parseInput } from './errors.ts';

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'expected lower-case letters, digits and dashes (at most 50)');

const ALL_SCOPES: TokenScope[] = ['READ', 'WRITE'];

/**
 * Issues a token with every scope for a user of the organisation, creating the organisation and the user when
 * they do not exist yet. Used by the command line and the demo set-up, never by the API.
 */
export async function issueBootstrapToken(
  prisma: PrismaClient,
  options: { slug: string; organizationName?: string; role: Role; email?: string; tokenName: string },
) {
  const slug = parseInput(slugSchema, options.slug, ['org']);
  const email = options.email ?? `${options.role.toLowerCase()}@${slug}.invalid`;
  return prisma.$transaction(async (tx) => {
    const organization = await tx.organization.upsert({
      where: { slug },
      create: { slug, name: options.organizationName ?? slug },
      update: {},
    });
    const user = await tx.user.upsert({
      where: { organizationId_email: { organizationId: organization.id, email } },
      create: {
        organizationId: organization.id,
        email,
        name: `${options.role === 'ADMIN' ? 'Admin' : 'Recruiter'} (${slug})`,
        role: options.role,
      },
      update: {},
    });
    const { token } = await insertToken(tx, {
      organizationId: organization.id,
      userId: user.id,
      name: options.tokenName,
      scopes: ALL_SCOPES,
    });
    return { token, organization, user };
  });
}

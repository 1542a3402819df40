import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '../db/database.ts';
import { issueBootstrapToken } from './organizations.ts';

/**
 * On the first start of an empty embedded database: a demo organisation with an admin token, saved (mode 0600)
 * under DATA_DIR so it can be found again. Returns undefined when the database already has an organisation.
 */
export async function createDemoOrganization(prisma: PrismaClient, dataDir: string) {
  if ((await prisma.organization.count()) > 0) return undefined;
  const { token } = await issueBootstrapToken(prisma, {
    slug: 'demo',
    organizationName: 'Demo organisation',
    role: 'ADMIN',
    tokenName: 'Demo admin token',
  });
  const file = path.join(dataDir, 'demo-admin-token.txt');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

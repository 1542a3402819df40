import type { PrismaClient } from '../../db/database.ts';
import type { Keyring } from '../crypto.ts';
import { resealFeedToken } from '../feeds/tokens.ts';
import { resealEndpointSecret } from '../event-webhooks/endpoints.ts';
import { reseal } from './credentials.ts';

/**
 * Re-encrypts every credential not sealed under the keyring's current key, in small transactions. Servers keep
 * running meanwhile: each of them must already have the new key first and the old ones after it in
 * ENCRYPTION_KEYS, so they read both forms. Returns how many values were re-encrypted (feed tokens and event endpoint secrets included).
 */
export async function rotateCredentialKeys(prisma: PrismaClient, keyring: Keyring, batchSize = 200): Promise<number> {
  return (
    (await rotateCredentials(prisma, keyring, batchSize)) +
    (await rotateFeedTokens(prisma, keyring, batchSize)) +
    (await rotateEndpointSecrets(prisma, keyring, batchSize))
  );
}

async function rotateEndpointSecrets(prisma: PrismaClient, keyring: Keyring, batchSize: number): Promise<number> {
  let rotated = 0;
  for (;;) {
    const rows = await prisma.eventEndpoint.findMany({
      where: { secretKeyId: { not: keyring.currentKeyId } },
      select: { id: true, secretSealed: true, secretKeyId: true },
      take: batchSize,
      orderBy: { id: 'asc' },
    });
    if (rows.length === 0) return rotated;
    await prisma.$transaction(
      rows.map((row) => {
        const sealed = resealEndpointSecret(keyring, row);
        return prisma.eventEndpoint.updateMany({
          where: { id: row.id, secretKeyId: row.secretKeyId, secretSealed: row.secretSealed },
          data: { secretSealed: sealed.data, secretKeyId: sealed.keyId },
        });
      }),
    );
    rotated += rows.length;
  }
}

async function rotateFeedTokens(prisma: PrismaClient, keyring: Keyring, batchSize: number): Promise<number> {
  let rotated = 0;
  for (;;) {
    const rows = await prisma.contract.findMany({
      where: { AND: [{ feedTokenKeyId: { not: null } }, { feedTokenKeyId: { not: keyring.currentKeyId } }] },
      select: { id: true, feedTokenSealed: true, feedTokenKeyId: true },
      take: batchSize,
      orderBy: { id: 'asc' },
    });
    if (rows.length === 0) return rotated;
    await prisma.$transaction(
      rows.map((row) =>
        prisma.contract.updateMany({
          where: { id: row.id, feedTokenKeyId: row.feedTokenKeyId, feedTokenSealed: row.feedTokenSealed },
          data: resealFeedToken(keyring, row as { id: string; feedTokenSealed: string; feedTokenKeyId: string }),
        }),
      ),
    );
    rotated += rows.length;
  }
}

async function rotateCredentials(prisma: PrismaClient, keyring: Keyring, batchSize: number): Promise<number> {
  let rotated = 0;
  for (;;) {
    const rows = await prisma.contractCredential.findMany({
      where: { keyId: { not: keyring.currentKeyId } },
      take: batchSize,
      orderBy: [{ contractId: 'asc' }, { key: 'asc' }],
    });
    if (rows.length === 0) return rotated;
    await prisma.$transaction(
      rows.map((row) =>
        prisma.contractCredential.updateMany({
          // Only if nobody re-sealed it meanwhile (a concurrent credentials update writes a new value).
          where: { contractId: row.contractId, key: row.key, keyId: row.keyId, sealed: row.sealed },
          data: reseal(keyring, row),
        }),
      ),
    );
    rotated += rows.length;
  }
}

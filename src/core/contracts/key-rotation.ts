import type { PrismaClient } from '../../db/database.ts';
import type { Keyring } from '../crypto.ts';
import { reseal } from './credentials.ts';

/**
 * Re-encrypts every credential not sealed under the keyring's current key, in small transactions. Servers keep
 * running meanwhile: each of them must already have the new key first and the old ones after it in
 * ENCRYPTION_KEYS, so they read both forms. Returns how many values were re-encrypted.
 */
export async function rotateCredentialKeys(prisma: PrismaClient, keyring: Keyring, batchSize = 200): Promise<number> {
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

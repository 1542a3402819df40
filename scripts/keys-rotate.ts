// npm run keys:rotate — re-encrypts every stored credential under the first key of ENCRYPTION_KEYS.
// Rotation without downtime: 1. put the new key first in ENCRYPTION_KEYS (keep the old ones after it) and
// restart the servers; 2. run this; 3. remove the old keys and restart again.
import { runCli } from '../src/cli.ts';
import { loadConfig } from '../src/config.ts';
import { rotateCredentialKeys } from '../src/core/contracts/key-rotation.ts';
import { loadKeyring } from '../src/core/crypto.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';

await runCli(async () => {
  const config = loadConfig();
  const { keyring } = await loadKeyring(config.encryptionKeys, config.dataDir);
  const db = await openDatabase(config);
  try {
    await migrate(db.sql);
    const rotated = await rotateCredentialKeys(db.prisma, keyring);
    console.log(`Re-encrypted ${rotated} credential value(s) under key "${keyring.currentKeyId}".`);
  } finally {
    await db.close();
  }
});

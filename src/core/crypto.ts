import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** AES-256-GCM ciphertext with the id of the key that made it. */
export interface Sealed {
  keyId: string;
  /** base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes). */
  data: string;
}

export class Keyring {
  private readonly byId: Map<string, Buffer>;

  /** The first key encrypts; every key decrypts what was sealed under its id. */
  constructor(readonly keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('A keyring needs at least one key.');
    this.byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  }

  /** The key with this id, or undefined when the keyring does not hold it. */
  keyById(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /** `context` (e.g. the row and field the value belongs to) is authenticated, so a value moved elsewhere fails. */
  seal(plaintext: string, context: string): Sealed {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!.key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, data: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64') };
  }

  open(sealed: Sealed, context: string): string {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`No encryption key with id "${sealed.keyId}" is configured (ENCRYPTION_KEYS).`);
    const raw = Buffer.from(sealed.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }
}

/**
 * The configured keys, or the embedded default: a key generated into DATA_DIR on first start (mode 0600).
 * `generated` tells the caller to say so.
 */
export async function loadKeyring(
  configured: readonly EncryptionKey[] | undefined,
  dataDir: string,
): Promise<{ keyring: Keyring; file?: string; generated: boolean }> {
  if (configured) return { keyring: new Keyring(configured), generated: false };
  const file = path.join(dataDir, 'encryption-key');
  try {
    const [id, key] = (await readFile(file, 'utf8')).trim().split(':');
    return { keyring: new Keyring([{ id: id!, key: Buffer.from(key!, 'base64') }]), file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, `local:${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadKeyring(configured, dataDir);
    throw error;
  }
  return { keyring: new Keyring([{ id: 'local', key }]), file, generated: true };
}

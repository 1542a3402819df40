import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../crypto.ts';

/**
 * Signed, expiring download links for documents: `/documents/<id>?expires=<unix s>&key=<key id>&signature=<hmac>`.
 * The signing key is derived from the encryption key named in the link, so links keep working while keys rotate.
 */
export class DocumentLinks {
  constructor(
    private readonly keyring: Keyring,
    private readonly baseUrl: () => string,
    private readonly ttlSeconds: number,
  ) {}

  private mac(keyId: string, documentId: string, expires: number): Buffer | null {
    const key = this.keyring.keyById(keyId);
    if (!key) return null;
    const signingKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'document-links', 32));
    return createHmac('sha256', signingKey).update(`${documentId}.${expires}`).digest();
  }

  /** A link valid for the configured time. */
  sign(documentId: string, now = Date.now()): { url: string; expiresAt: Date } {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    const keyId = this.keyring.currentKeyId;
    const signature = this.mac(keyId, documentId, expires)!.toString('base64url');
    const query = new URLSearchParams({ expires: String(expires), key: keyId, signature });
    return { url: `${this.baseUrl()}/documents/${documentId}?${query}`, expiresAt: new Date(expires * 1000) };
  }

  /** True when the link's signature is right and it has not expired. */
  verify(documentId: string, query: URLSearchParams, now = Date.now()): boolean {
    const expires = Number(query.get('expires'));
    const keyId = query.get('key') ?? '';
    const signature = Buffer.from(query.get('signature') ?? '', 'base64url');
    if (!Number.isInteger(expires) || expires * 1000 < now) return false;
    const expected = this.mac(keyId, documentId, expires);
    return expected !== null && signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

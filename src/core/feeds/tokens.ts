import { randomBytes } from 'node:crypto';
import type { Prisma } from '../../db/database.ts';
import { hashToken } from '../auth/tokens.ts';
import type { Keyring } from '../crypto.ts';

const sealContext = (contractId: string) => `contract:${contractId}:feedToken`;

/** A new feed token for the contract: the columns that store it (the hash to find it, the sealed value to show it). */
export function newFeedToken(keyring: Keyring, contractId: string) {
  const token = randomBytes(32).toString('base64url');
  const sealed = keyring.seal(token, sealContext(contractId));
  return {
    feedTokenHash: hashToken(token),
    feedTokenSealed: sealed.data,
    feedTokenKeyId: sealed.keyId,
    feedEtag: null,
    feedChangedAt: null,
  } satisfies Prisma.ContractUncheckedUpdateInput;
}

/** Columns that erase the contract's feed token: its feed URL stops working. */
export const noFeedToken = {
  feedTokenHash: null,
  feedTokenSealed: null,
  feedTokenKeyId: null,
  feedEtag: null,
  feedChangedAt: null,
} satisfies Prisma.ContractUncheckedUpdateInput;

export function openFeedToken(
  keyring: Keyring,
  contract: { id: string; feedTokenSealed: string | null; feedTokenKeyId: string | null },
): string | null {
  if (!contract.feedTokenSealed || !contract.feedTokenKeyId) return null;
  return keyring.open({ keyId: contract.feedTokenKeyId, data: contract.feedTokenSealed }, sealContext(contract.id));
}

/** The token re-sealed under the keyring's current key (key rotation). */
export function resealFeedToken(
  keyring: Keyring,
  contract: { id: string; feedTokenSealed: string; feedTokenKeyId: string },
) {
  const sealed = keyring.seal(
    keyring.open({ keyId: contract.feedTokenKeyId, data: contract.feedTokenSealed }, sealContext(contract.id)),
    sealContext(contract.id),
  );
  return { feedTokenSealed: sealed.data, feedTokenKeyId: sealed.keyId };
}

export const feedTokenHash = hashToken;

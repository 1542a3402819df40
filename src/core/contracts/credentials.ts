import type { Prisma } from '../../db/database.ts';
import type { BoardPlugin, CredentialField, Credentials, CredentialValue } from '@multiposting/plugin-sdk';
export { credentialsSchema } from '@multiposting/plugin-sdk/host';
import type { Keyring } from '../crypto.ts';

/** What the API may show of a value: the value itself for a non-secret, a mask for a secret. */
export function hintFor(field: CredentialField, value: CredentialValue): string {
  const text = String(value);
  if (!field.secret) return text;
  return text.length >= 12 ? `••••${text.slice(-4)}` : '••••';
}

/** Authenticated data binding a sealed value to its contract and field. */
const sealContext = (contractId: string, key: string) => `contract:${contractId}:${key}`;

export function sealCredentials(
  keyring: Keyring,
  plugin: BoardPlugin,
  contractId: string,
  credentials: Credentials,
): Prisma.ContractCredentialCreateManyInput[] {
  return plugin.credentials
    .filter((field) => credentials[field.key] !== undefined)
    .map((field) => {
      const value = credentials[field.key]!;
      const sealed = keyring.seal(JSON.stringify(value), sealContext(contractId, field.key));
      return { contractId, key: field.key, keyId: sealed.keyId, sealed: sealed.data, hint: hintFor(field, value) };
    });
}

export function openCredentials(
  keyring: Keyring,
  contractId: string,
  rows: readonly { key: string; keyId: string; sealed: string }[],
): Credentials {
  return Object.fromEntries(
    rows.map((row) => [
      row.key,
      JSON.parse(
        keyring.open({ keyId: row.keyId, data: row.sealed }, sealContext(contractId, row.key)),
      ) as CredentialValue,
    ]),
  );
}

/** Re-seals one stored value under the keyring's current key (key rotation). */
export function reseal(keyring: Keyring, row: { contractId: string; key: string; keyId: string; sealed: string }) {
  const context = sealContext(row.contractId, row.key);
  const sealed = keyring.seal(keyring.open({ keyId: row.keyId, data: row.sealed }, context), context);
  return { keyId: sealed.keyId, sealed: sealed.data };
}

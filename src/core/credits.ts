import type { Prisma, PrismaClient } from '../db/database.ts';
import { DomainError } from './errors.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export class NotEnoughCredits extends DomainError {
  override name = 'NotEnoughCredits';
  constructor(
    readonly contractId: string,
    readonly total: number,
    readonly used: number,
  ) {
    super(`The contract has no credit left (${used} of ${total} used).`);
  }
}

export interface CreditBalance {
  /** Credits bought; null when the contract does not count credits. */
  total: number | null;
  /** Reserved or consumed and not released. */
  used: number;
  remaining: number | null;
}

/** The balance, derived from the ledger; never stored. */
export async function creditBalance(
  db: Db,
  contract: { id: string; creditsTotal: number | null },
): Promise<CreditBalance> {
  return (await creditBalances(db, [contract]))[0]!;
}

/** The balances of several contracts in one statement, in their order. */
export async function creditBalances(
  db: Db,
  contracts: readonly { id: string; creditsTotal: number | null }[],
): Promise<CreditBalance[]> {
  const counts = await db.creditEntry.groupBy({
    by: ['contractId', 'kind'],
    where: { contractId: { in: contracts.map((contract) => contract.id) } },
    _count: { _all: true },
  });
  return contracts.map((contract) => {
    const count = (kind: string) =>
      counts.find((row) => row.contractId === contract.id && row.kind === kind)?._count._all ?? 0;
    const used = count('RESERVE') - count('RELEASE');
    const remaining = contract.creditsTotal === null ? null : Math.max(contract.creditsTotal - used, 0);
    return { total: contract.creditsTotal, used, remaining };
  });
}

/**
 * Reserves one credit for `reference` (e.g. a posting). The contract row is locked for the length of the
 * transaction, so concurrent reservations are counted one after another and never exceed the total.
 * Reserving twice for one reference reserves once.
 */
export function reserveCredit(prisma: PrismaClient, contractId: string, reference: string): Promise<CreditBalance> {
  return prisma.$transaction((tx) => reserveCreditWithin(tx, contractId, reference));
}

/** reserveCredit inside the caller's transaction (which then holds the contract's row lock until it ends). */
export async function reserveCreditWithin(
  tx: Prisma.TransactionClient,
  contractId: string,
  reference: string,
): Promise<CreditBalance> {
  const [contract] = await tx.$queryRaw<{ id: string; credits_total: number | null; organization_id: string }[]>`
    SELECT id, credits_total, organization_id FROM contract WHERE id = ${contractId}::uuid FOR UPDATE`;
  if (!contract) throw new Error(`Contract ${contractId} does not exist.`);
  const current = { id: contract.id, creditsTotal: contract.credits_total };
  const existing = await tx.creditEntry.findUnique({
    where: { contractId_kind_reference: { contractId, kind: 'RESERVE', reference } },
  });
  if (existing) return creditBalance(tx, current);
  const balance = await creditBalance(tx, current);
  if (balance.remaining !== null && balance.remaining <= 0)
    throw new NotEnoughCredits(contractId, balance.total!, balance.used);
  await tx.creditEntry.create({
    data: { contractId, organizationId: contract.organization_id, kind: 'RESERVE', reference },
  });
  return creditBalance(tx, current);
}

/** Writes the settlement of a reservation unless it is settled already: one statement, as boards settle often. */
async function settle(db: Db, contractId: string, reference: string, kind: 'CONSUME' | 'RELEASE'): Promise<void> {
  const [row] = await db.$queryRaw<{ kinds: string[] }[]>`
    WITH entries AS (
      SELECT kind::text AS kind, organization_id FROM credit_entry
      WHERE contract_id = ${contractId}::uuid AND reference = ${reference}
    ), settled AS (
      INSERT INTO credit_entry (id, contract_id, organization_id, kind, reference, created_at)
      SELECT gen_random_uuid(), ${contractId}::uuid, organization_id, ${kind}::"CreditEntryKind", ${reference},
             ${new Date()}::timestamptz
      FROM entries
      WHERE kind = 'RESERVE' AND NOT EXISTS (SELECT 1 FROM entries WHERE kind IN ('CONSUME', 'RELEASE'))
    )
    SELECT coalesce(array_agg(kind), '{}') AS kinds FROM entries`;
  const kinds = row?.kinds ?? [];
  if (!kinds.includes('RESERVE')) throw new Error(`No credit is reserved for ${reference} on contract ${contractId}.`);
  const other = kind === 'CONSUME' ? 'RELEASE' : 'CONSUME';
  if (!kinds.includes(kind) && kinds.includes(other))
    throw new Error(`The credit for ${reference} was already ${other.toLowerCase()}d.`);
}

/** The reserved credit is spent (the board accepted the posting). Idempotent. */
export const consumeCredit = (db: Db, contractId: string, reference: string) =>
  settle(db, contractId, reference, 'CONSUME');

/** The reserved credit comes back (the posting failed for good). Idempotent. */
export const releaseCredit = (db: Db, contractId: string, reference: string) =>
  settle(db, contractId, reference, 'RELEASE');

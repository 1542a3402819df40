import type { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import type { ContractStatus } from '../../db/generated/prisma/client.ts';
import { BoardUnavailableError } from '../errors.ts';
import { healthSchema } from '@multiposting/plugin-sdk/host';
import { publishAfter } from '../topics.ts';
import { pluginOf, recordStatusChange, verify, type ContractDeps } from './contracts.ts';
import { openCredentials } from './credentials.ts';

/**
 * Contracts whose expiry date has passed since it was last looked at: EXPIRED goes into their history and out as
 * contractStatusChanged and an event webhook, once per expiry (an expiry date moved later and passed again counts
 * again). The status callers see already follows the date (effectiveStatus); this tells it when it happens.
 */
export async function announceExpiredContracts(
  deps: Pick<ContractDeps, 'prisma' | 'topics'>,
  limit = 20,
): Promise<number> {
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<
        { id: string; organization_id: string; board_id: string; status: ContractStatus }[]
      >`
        SELECT c.id::text AS id, c.organization_id::text AS organization_id, c.board_id, c.status::text AS status
        FROM contract AS c
        WHERE c.expires_at <= now() AND c.status NOT IN ('NOT_CONFIGURED', 'DISCONNECTED', 'EXPIRED')
          AND NOT EXISTS (
            SELECT 1 FROM contract_event AS e
            WHERE e.contract_id = c.id AND e.type = 'EXPIRED' AND e.created_at >= c.expires_at)
        ORDER BY c.expires_at
        LIMIT ${limit}
        FOR UPDATE OF c SKIP LOCKED`;
      for (const row of due) {
        const contract = { id: row.id, organizationId: row.organization_id, boardId: row.board_id, status: row.status };
        await recordStatusChange(
          tx,
          emit,
          contract,
          null,
          'EXPIRED',
          'EXPIRED',
          'The contract reached its expiry date.',
        );
      }
      return due.length;
    }),
  );
}

/** Claims up to `limit` contracts due for a check; their next check moves a lease ahead so no other worker takes them. */
export function claimDueContracts(prisma: PrismaClient, limit: number, leaseMs: number): Promise<{ id: string }[]> {
  return prisma.$queryRaw<{ id: string }[]>`
    UPDATE contract AS c SET next_check_at = now() + (${leaseMs}::int * interval '1 millisecond')
    WHERE c.id IN (
      SELECT d.id FROM contract AS d WHERE d.next_check_at <= now() ORDER BY d.next_check_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING c.id::text AS id`;
}

/**
 * Asks the board about one due contract: a verification it left pending is tried again; an ACTIVE or SUSPENDED
 * contract of a board that rates accounts gets its quality rate and warnings, and is suspended or reinstated as
 * the board says.
 */
export async function checkContract(deps: ContractDeps, contractId: string, signal: AbortSignal): Promise<void> {
  const { prisma, boards } = deps;
  const contract = await prisma.contract.findUnique({ where: { id: contractId }, include: { credentials: true } });
  if (!contract) return;
  const plugin = pluginOf(boards, contract);
  const credentials = openCredentials(deps.keyring, contract.id, contract.credentials);
  if (contract.status === 'PENDING_VERIFICATION') {
    await verify(deps, null, plugin, contract, credentials);
    return;
  }
  if (!plugin.checkContract || (contract.status !== 'ACTIVE' && contract.status !== 'SUSPENDED')) {
    await prisma.contract.update({ where: { id: contract.id }, data: { nextCheckAt: null } });
    return;
  }
  const nextCheckAt = new Date(Date.now() + boards.contractCheckMs);
  let health: z.output<typeof healthSchema>;
  try {
    const target = { environment: contract.environment, credentials, signal };
    health = await boards.call(plugin, 'checkContract', target, async (context) =>
      healthSchema.parse(await plugin.checkContract!(context)),
    );
  } catch (error) {
    if (!(error instanceof BoardUnavailableError)) throw error;
    if (error.code === 'UNAUTHORIZED' && !error.retryable) {
      // The board may no longer take the credentials (a revoked key): verify them, to say so now rather than at
      // the next posting. If they still verify, the health check waits for its next turn.
      const verified = await verify(deps, null, plugin, contract, credentials);
      if (verified.status === 'ACTIVE')
        await prisma.contract.update({ where: { id: contract.id }, data: { nextCheckAt } });
      return;
    }
    deps.log.warn(
      { contract: contract.id, board: plugin.id, err: error.message },
      'Could not check a contract with its board; trying again later',
    );
    await prisma.contract.update({ where: { id: contract.id }, data: { nextCheckAt } });
    return;
  }

  const redact = (text: string) => boards.redact(text, credentials);
  const suspendedReason = health.suspendedReason ? redact(health.suspendedReason) : null;
  await publishAfter(deps.topics, (emit) =>
    prisma.$transaction(async (tx) => {
      const current = await tx.contract.findUniqueOrThrow({ where: { id: contract.id } });
      if (current.status !== 'ACTIVE' && current.status !== 'SUSPENDED') return;
      const to: ContractStatus = suspendedReason ? 'SUSPENDED' : 'ACTIVE';
      const { count } = await tx.contract.updateMany({
        // Changed by someone else since it was read (e.g. disconnected): the next check settles it.
        where: { id: current.id, status: current.status },
        data: {
          qualityRate: health.qualityRate ?? null,
          warnings: health.warnings.map(redact),
          checkedAt: new Date(),
          nextCheckAt,
          status: to,
          ...(to !== current.status || to === 'SUSPENDED' ? { statusReason: suspendedReason } : {}),
        },
      });
      if (count === 1 && to !== current.status) {
        await recordStatusChange(
          tx,
          emit,
          current,
          null,
          to === 'SUSPENDED' ? 'SUSPENDED' : 'REINSTATED',
          to,
          suspendedReason,
        );
      }
    }),
  );
}

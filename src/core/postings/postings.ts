import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../db/database.ts';
import type { Posting, PostingStatus } from '../../db/generated/prisma/client.ts';
import type { BoardPlugin } from '../../plugin-sdk/types.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { BoardRegistry } from '../boards.ts';
import { ContractStateError, effectiveStatus, findContract } from '../contracts/contracts.ts';
import { reserveCreditWithin } from '../credits.ts';
import { DomainError, NotFoundError, parseInput } from '../errors.ts';
import type { Events } from '../events.ts';
import { publishAfter } from '../events.ts';
import { rowId } from '../ids.ts';
import { postingJob } from '../jobs.ts';

export interface PostingDeps {
  prisma: PrismaClient;
  boards: BoardRegistry;
  events: Events;
}

/** The board cannot do what was asked (its plugin does not declare the capability). */
export class UnsupportedOperation extends DomainError {
  override name = 'UnsupportedOperation';
}

/** The job already has a live posting on this contract. */
export class PostingExists extends DomainError {
  override name = 'PostingExists';
  constructor(readonly postingId: string) {
    super('This job already has a live posting on this contract.');
  }
}

/** Statuses of a posting that still occupies its job and contract. */
export const LIVE_STATUSES: PostingStatus[] = ['DRAFT', 'QUEUED', 'SUBMITTED', 'PENDING_REVIEW', 'PUBLISHED', 'UPDATE_QUEUED'];

type Emit = Parameters<Parameters<typeof publishAfter>[1]>[0];

/** Changes a posting's status, logs it, and emits the event (published once the transaction commits). */
export async function transition(
  tx: Prisma.TransactionClient,
  emit: Emit,
  posting: Pick<Posting, 'id' | 'organizationId' | 'jobId' | 'contractId' | 'boardId' | 'status'>,
  to: PostingStatus,
  details: { message?: string | null; attempt?: number; data?: Prisma.PostingUncheckedUpdateInput } = {},
): Promise<void> {
  await tx.posting.update({ where: { id: posting.id }, data: { ...details.data, status: to } });
  await tx.postingEvent.create({
    data: { postingId: posting.id, type: 'STATUS_CHANGED', fromStatus: posting.status, toStatus: to, message: details.message ?? null, attempt: details.attempt ?? null },
  });
  if (posting.status !== to) {
    emit('posting.statusChanged', posting.organizationId, {
      postingId: posting.id,
      jobId: posting.jobId,
      contractId: posting.contractId,
      boardId: posting.boardId,
      from: posting.status,
      to,
    });
  }
}

function requireCapability(plugin: BoardPlugin, capability: 'publish'): void {
  if (!plugin.capabilities.includes(capability)) throw new UnsupportedOperation(`${plugin.name} does not support ${capability} through this API.`);
}

/**
 * Validates the board fields, checks the contract, reserves a credit and queues the publication: the posting
 * (QUEUED) and its outbox row are written in one transaction; a worker delivers it.
 */
export async function publishPosting(deps: PostingDeps, viewer: Viewer, input: { jobId: string; contractId: string; boardFields: Record<string, unknown> }): Promise<Posting> {
  const job = await deps.prisma.job.findFirst({ where: { id: rowId(input.jobId), organizationId: viewer.organizationId } });
  if (!job) throw new NotFoundError('job', input.jobId);
  const contract = await findContract(deps.prisma, viewer.organizationId, input.contractId);
  const plugin = deps.boards.get(contract.boardId);
  if (!plugin) throw new ContractStateError(contract.status, `The board plugin "${contract.boardId}" is not loaded on this server.`);
  requireCapability(plugin, 'publish');
  const status = effectiveStatus(contract);
  if (status !== 'ACTIVE') throw new ContractStateError(status, `The contract is ${status}; only an ACTIVE contract can publish.`);
  if (job.status !== 'OPEN') throw new UnsupportedOperation('The job is closed: reopen it to publish it.');

  const merged = { ...plugin.postingDefaults?.(postingJob(job)), ...input.boardFields };
  const boardFields = plugin.postingFields ? (parseInput(plugin.postingFields, merged, ['boardFields']) as Record<string, unknown>) : {};

  const postingId = randomUUID();
  return publishAfter(deps.events, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      // reserveCreditWithin locks the contract's row first: that also serialises the live-posting check below.
      await tx.$queryRaw`SELECT id FROM contract WHERE id = ${contract.id}::uuid FOR UPDATE`;
      const live = await tx.posting.findFirst({ where: { jobId: job.id, contractId: contract.id, status: { in: LIVE_STATUSES } }, select: { id: true } });
      if (live) throw new PostingExists(live.id);
      await reserveCreditWithin(tx, contract.id, postingId);
      const posting = await tx.posting.create({
        data: { id: postingId, organizationId: viewer.organizationId, jobId: job.id, contractId: contract.id, boardId: plugin.id, status: 'DRAFT', boardFields: boardFields as Prisma.InputJsonValue },
      });
      await transition(tx, emit, posting, 'QUEUED', { message: `Queued for ${plugin.name}.` });
      const delivery = await tx.delivery.create({ data: { postingId, operation: 'PUBLISH', idempotencyKey: randomUUID() } });
      emit('delivery.queued', { deliveryId: delivery.id });
      return { ...posting, status: 'QUEUED' as const };
    }),
  );
}

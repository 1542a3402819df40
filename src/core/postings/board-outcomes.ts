import type { PrismaClient } from '../../db/database.ts';
import type { BoardOutbox, Posting, PostingStatus, Prisma } from '../../db/generated/prisma/client.ts';
import type { PostingState } from '@multiposting/plugin-sdk';
import type { ConnectedContract } from '../contracts/connected-contracts.ts';
import { consumeCredit, releaseCredit } from '../credits.ts';
import { BoardUnavailableError } from '../errors.ts';
import { publishAfter } from '../topics.ts';
import { postingJob } from '../jobs.ts';
import { attributedLink } from '../candidates/attribution.ts';
import { questionsOf } from '../screening.ts';
import type { Services } from '../services.ts';
import { fetchBoardState } from './board-state.ts';
import { BOARD_STATUS, LIVE_STATUSES, transition } from './postings.ts';

// The posting lifecycle on the board's side: what a call of the board outbox or a poll of the board makes of a
// posting. The request side (publish, update, withdraw, …) is in postings.ts; the worker only schedules both.

type Deps = Pick<Services, 'prisma' | 'boards' | 'contracts' | 'keyring' | 'topics'>;

type OutboxPosting = Prisma.PostingGetPayload<{ include: { job: true } }> & { contract: ConnectedContract };

/** What the board answered an outbox call: the posting's status there, its id and address, and warnings. */
export interface BoardAnswer {
  status?: PostingStatus;
  externalId?: string;
  externalUrl?: string;
  warnings?: string[];
}

/** A posting and the outbox row being delivered for it. */
export interface OutboxCall {
  posting: OutboxPosting;
  operation: BoardOutbox['operation'];
  idempotencyKey: string;
  attempt: number;
}

/**
 * Reads the postings claimed outbox rows are for, with their jobs and their contracts' credentials (none once
 * disconnected): two statements for the whole claim, however many rows it took.
 */
export async function loadOutboxPostings(deps: Deps, postingIds: string[]): Promise<Map<string, OutboxPosting>> {
  const postings = await deps.prisma.posting.findMany({ where: { id: { in: postingIds } }, include: { job: true } });
  const loaded = new Map<string, OutboxPosting>();
  for (const posting of postings) {
    const connected = await deps.contracts.get(posting.boardId, posting.contractId);
    if (connected) {
      loaded.set(posting.id, { ...posting, contract: connected });
      continue;
    }
    const contract = await deps.prisma.contract.findUniqueOrThrow({ where: { id: posting.contractId } });
    loaded.set(posting.id, { ...posting, contract: { ...contract, credentials: {} } });
  }
  return loaded;
}

/** A queued publication is being sent: QUEUED → SUBMITTED. */
export async function markSubmitted(deps: Deps, call: OutboxCall): Promise<void> {
  const { posting } = call;
  if (call.operation !== 'PUBLISH' || posting.status !== 'QUEUED') return;
  const name = deps.boards.get(posting.boardId)?.name ?? posting.boardId;
  await publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction((tx) =>
      transition(tx, emit, posting, 'SUBMITTED', { message: `Sending to ${name}.`, attempt: call.attempt }),
    ),
  );
  posting.status = 'SUBMITTED';
}

/**
 * Makes the outbox row's call to the board through the gateway, with the row's idempotency key. Throws the API's
 * BoardUnavailableError when it fails (not retryable when the board is not loaded or cannot do the operation).
 */
export async function callBoard(deps: Deps, call: OutboxCall, signal: AbortSignal): Promise<BoardAnswer> {
  const { posting, idempotencyKey } = call;
  const plugin = deps.boards.get(posting.boardId);
  if (!plugin) throw new BoardUnavailableError(`The board plugin "${posting.boardId}" is not loaded here.`, false);
  // The publication never reached the board: there is nothing to change or take off it.
  if (call.operation !== 'PUBLISH' && !posting.externalId) return {};
  const target = {
    environment: posting.contract.environment,
    credentials: posting.contract.credentials,
    signal,
  };
  const job = postingJob(posting.job);
  // The apply link names the board and the posting, so that an application made through it is attributed.
  if (job.applyUrl) job.applyUrl = attributedLink(job.applyUrl, posting.boardId, posting.id);
  if (plugin.capabilities.includes('questions')) job.questions = questionsOf(posting.job.questions);
  const payload = { job, boardFields: posting.boardFields as Record<string, unknown> };
  const externalId = posting.externalId!;
  const cannot = (what: string) => new BoardUnavailableError(`${plugin.name} cannot ${what}.`, false);
  let answer: BoardAnswer;
  if (call.operation === 'PUBLISH') {
    if (!plugin.publish) throw cannot('publish');
    answer = await deps.boards.call(plugin, 'publish', target, (context) =>
      plugin.publish!({ ...context, posting: payload, idempotencyKey }),
    );
  } else if (call.operation === 'UPDATE') {
    if (!plugin.update) throw cannot('update postings');
    const updated = await deps.boards.call(plugin, 'update', target, (context) =>
      plugin.update!({ ...context, posting: payload, externalId, idempotencyKey }),
    );
    answer = { status: updated.status ?? 'PUBLISHED', warnings: updated.warnings ?? [] };
  } else {
    if (!plugin.withdraw) throw cannot('withdraw postings');
    await deps.boards.call(plugin, 'withdraw', target, (context) =>
      plugin.withdraw!({ ...context, externalId, idempotencyKey }),
    );
    answer = { status: 'WITHDRAWN' };
  }
  // Board text shown to the recruiter: a few, each short, with the contract's credentials removed.
  const warnings = (answer.warnings ?? [])
    .slice(0, 20)
    .map((warning) => deps.boards.redact(String(warning).slice(0, 500), target.credentials));
  return { ...answer, warnings };
}

/** The posting as it stands when its outbox call ends, read with the end of the call's row. */
export type OutboxPostingState = Pick<
  Posting,
  'id' | 'organizationId' | 'jobId' | 'contractId' | 'boardId' | 'status' | 'creditReference'
>;

/** How the posting's board is followed after a call: polled from `nextPollAt` when the board is polled. */
export interface PollTiming {
  /** First poll after a publication or an update sent back to review. */
  pollBaseMs: number;
}

/**
 * Records what the board made of a posting after its outbox call ended for good (answered, or failed without
 * another try): the credit is consumed or released and the posting (`current`, as it stands now) moves on, in the
 * caller's transaction.
 */
export async function recordBoardOutcome(
  tx: Prisma.TransactionClient,
  emit: Parameters<typeof transition>[1],
  call: OutboxCall,
  current: OutboxPostingState,
  result: { answer: BoardAnswer } | { failure: BoardUnavailableError },
  timing: PollTiming & { polls: boolean },
): Promise<void> {
  const { posting, attempt } = call;
  const answer = 'answer' in result ? result.answer : undefined;
  const failure = 'failure' in result ? result.failure : undefined;
  const soon = () => new Date(Date.now() + timing.pollBaseMs);
  if (call.operation === 'PUBLISH') {
    if (answer) {
      if (current.creditReference) await consumeCredit(tx, posting.contractId, current.creditReference);
      const status = answer.status!;
      await transition(tx, emit, current, status, {
        message: status === 'PUBLISHED' ? 'Published.' : "Awaiting the board's review.",
        attempt,
        data: {
          externalId: answer.externalId ?? null,
          externalUrl: answer.externalUrl ?? null,
          lastError: null,
          fieldErrors: [],
          boardWarnings: answer.warnings ?? [],
          pollAttempts: 0,
          nextPollAt: timing.polls ? soon() : null,
        },
      });
    } else {
      if (current.creditReference) await releaseCredit(tx, posting.contractId, current.creditReference);
      await transition(tx, emit, current, 'FAILED', {
        message: failure!.message,
        attempt,
        data: { lastError: failure!.message, fieldErrors: [...failure!.fields] },
      });
    }
  } else if (call.operation === 'UPDATE') {
    if (current.status !== 'UPDATE_QUEUED') return;
    const status = answer?.status ?? 'PUBLISHED';
    await transition(tx, emit, current, status, {
      message: answer ? 'Updated on the board.' : `The update failed: ${failure!.message}`,
      attempt,
      data: {
        lastError: answer ? null : failure!.message,
        fieldErrors: answer ? [] : [...failure!.fields],
        ...(answer ? { boardWarnings: answer.warnings ?? [] } : {}),
        // A board that reviews changes is asked again soon, not at the published postings' slow pace.
        ...(timing.polls && status === 'PENDING_REVIEW' ? { nextPollAt: soon(), pollAttempts: 0 } : {}),
      },
    });
  } else if (answer) {
    if (answer.status && LIVE_STATUSES.includes(current.status)) {
      await transition(tx, emit, current, 'WITHDRAWN', {
        message: 'Withdrawn from the board.',
        attempt,
        data: { nextPollAt: null },
      });
    }
  } else {
    await tx.posting.update({ where: { id: posting.id }, data: { lastError: failure!.message } });
    await tx.postingEvent.create({
      data: { postingId: posting.id, type: 'WITHDRAWAL_FAILED', message: failure!.message, attempt },
    });
  }
}

/**
 * Asks a polled board where a posting in review (or published) stands, and applies its answer: a decision moves
 * the posting; no decision yet, or no answer, asks again after a backoff (`pollMaxMs` at most, and for published
 * postings).
 */
export async function pollPosting(
  deps: Deps & Pick<Services, 'log'>,
  postingId: string,
  attempts: number,
  timing: PollTiming & { pollMaxMs: number },
  signal: AbortSignal,
): Promise<void> {
  const { prisma } = deps;
  const posting: Posting & { contract: { id: string; environment: string } } = await prisma.posting.findUniqueOrThrow({
    where: { id: postingId },
    include: { contract: true },
  });
  const plugin = deps.boards.get(posting.boardId);
  const backoff = Math.min(timing.pollMaxMs, timing.pollBaseMs * 2 ** attempts);
  let state: PostingState | null | undefined;
  try {
    if (plugin && posting.externalId && ['PENDING_REVIEW', 'PUBLISHED'].includes(posting.status)) {
      state = await fetchBoardState(deps, plugin, posting.contract, posting.externalId, signal);
    }
  } catch (error) {
    if (!(error instanceof BoardUnavailableError)) throw error;
    deps.log.warn(
      { posting: postingId, board: posting.boardId, err: error.message },
      "Could not read a posting's state from its board",
    );
    await prisma.posting.update({
      where: { id: postingId },
      data: { nextPollAt: new Date(Date.now() + backoff), pollAttempts: attempts + 1 },
    });
    return;
  }
  await publishAfter(deps.topics, (emit) =>
    prisma.$transaction(async (tx) => {
      const current = await tx.posting.findUniqueOrThrow({ where: { id: postingId } });
      const next = state ? BOARD_STATUS[state.status] : null;
      const live = next === 'PENDING_REVIEW' || next === 'PUBLISHED';
      const nextPollAt = !live ? null : new Date(Date.now() + (next === 'PUBLISHED' ? timing.pollMaxMs : backoff));
      const decided =
        next && next !== current.status && (current.status === 'PENDING_REVIEW' || current.status === 'PUBLISHED');
      if (!decided) {
        await tx.posting.update({ where: { id: postingId }, data: { nextPollAt, pollAttempts: attempts + 1 } });
        return;
      }
      await transition(tx, emit, current, next, {
        message:
          next === 'REJECTED'
            ? `Rejected by the board: ${state!.rejectionReason ?? 'no reason given'}`
            : `Reported ${next} by the board.`,
        data: {
          rejectionReason: state!.rejectionReason ?? null,
          externalUrl: state!.externalUrl ?? current.externalUrl,
          nextPollAt,
          pollAttempts: 0,
        },
        review: { reason: state!.rejectionReason ?? null },
      });
    }),
  );
}

/**
 * Claims up to `limit` postings whose poll is due, pushing their next poll a lease ahead (FOR UPDATE SKIP LOCKED:
 * two workers never poll the same posting at once; one that dies leaves it to be polled after the lease).
 */
export function claimDuePolls(
  prisma: PrismaClient,
  limit: number,
  leaseMs: number,
): Promise<{ id: string; poll_attempts: number }[]> {
  return prisma.$queryRaw<{ id: string; poll_attempts: number }[]>`
    UPDATE posting AS p SET next_poll_at = now() + (${leaseMs}::int * interval '1 millisecond')
    WHERE p.id IN (
      SELECT q.id FROM posting AS q WHERE q.next_poll_at <= now() ORDER BY q.next_poll_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING p.id, p.poll_attempts`;
}

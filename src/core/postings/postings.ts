import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { Prisma, type Contract, type Job, type Posting, type PostingStatus } from '../../db/generated/prisma/client.ts';
import type { BoardPlugin, Capability, PostingPayload, PostingState } from '@multiposting/plugin-sdk';
import type { Viewer } from '../auth/viewer.ts';
import { ContractStateError, effectiveStatus, findContract, pluginOf } from '../contracts/contracts.ts';
import { consumeCredit, releaseCredit, reserveCreditWithin } from '../credits.ts';
import { DomainError, NotFoundError, parseInput, ValidationError, type FieldError } from '../errors.ts';
import type { Emit } from '../topics.ts';
import { announce, EVENT_TYPES, endpointsWanting, type PublicTopic } from '../event-webhooks/outbox.ts';
import { publishAfter } from '../topics.ts';
import { rowId } from '../ids.ts';
import { postingJob } from '../jobs.ts';
import type { Services } from '../services.ts';
import { checkOnBoard, feedSourceOf, fetchBoardState } from './board-state.ts';

export type PostingDeps = Pick<Services, 'prisma' | 'boards' | 'topics' | 'keyring'>;

/** The board cannot do what was asked (its plugin does not declare the capability). */
export class UnsupportedOperation extends DomainError {
  override name = 'UnsupportedOperation';
}

/** The job already has a live posting on this contract, or the board posting is already linked to a live one. */
export class PostingExists extends DomainError {
  override name = 'PostingExists';
  constructor(
    readonly postingId: string,
    message = 'This job already has a live posting on this contract.',
  ) {
    super(message);
  }
}

/** Statuses of a posting that still occupies its job and contract. */
export const LIVE_STATUSES: PostingStatus[] = [
  'DRAFT',
  'QUEUED',
  'SUBMITTED',
  'PENDING_REVIEW',
  'PUBLISHED',
  'UPDATE_QUEUED',
];

/** What a status change may also set on the posting, beside its status. */
export interface PostingChanges {
  externalId?: string | null;
  externalUrl?: string | null;
  rejectionReason?: string | null;
  lastError?: string | null;
  /** The board's refusals, as [{ path, message }] with paths within boardFields. */
  fieldErrors?: readonly { path: readonly (string | number)[]; message: string }[];
  boardWarnings?: readonly string[];
  closeAt?: Date | null;
  nextPollAt?: Date | null;
  pollAttempts?: number;
}

const CHANGED_COLUMNS: Record<keyof PostingChanges, string> = {
  externalId: 'external_id',
  externalUrl: 'external_url',
  rejectionReason: 'rejection_reason',
  lastError: 'last_error',
  fieldErrors: 'field_errors',
  boardWarnings: 'board_warnings',
  closeAt: 'close_at',
  nextPollAt: 'next_poll_at',
  pollAttempts: 'poll_attempts',
};

function assignments(changes: PostingChanges): Prisma.Sql[] {
  return Object.entries(changes).flatMap(([field, value]) => {
    if (value === undefined) return [];
    const column = Prisma.raw(CHANGED_COLUMNS[field as keyof PostingChanges]);
    return [
      field === 'fieldErrors' || field === 'boardWarnings'
        ? Prisma.sql`${column} = ${JSON.stringify(value)}::jsonb`
        : Prisma.sql`${column} = ${value}`,
    ];
  });
}

/**
 * Changes a posting's status, logs it, and announces the event (to subscribers once the transaction commits, and to
 * endpoints). The change, its log entry and the lookup of the endpoints that want it are one SQL statement: every
 * board call and webhook makes one or two transitions, so their statements count.
 */
export async function transition(
  tx: Prisma.TransactionClient,
  emit: Emit,
  posting: Pick<Posting, 'id' | 'organizationId' | 'jobId' | 'contractId' | 'boardId' | 'status'>,
  to: PostingStatus,
  details: {
    message?: string | null;
    attempt?: number;
    data?: PostingChanges;
    review?: { reason: string | null };
  } = {},
): Promise<void> {
  const from = posting.status;
  const reviewed = from === 'PENDING_REVIEW' && (to === 'PUBLISHED' || to === 'REJECTED');
  const topics: PublicTopic[] =
    from === to ? [] : reviewed ? ['posting.statusChanged', 'posting.reviewed'] : ['posting.statusChanged'];
  const now = new Date();
  const sets = [Prisma.sql`status = ${to}::"PostingStatus"`, Prisma.sql`updated_at = ${now}`];
  const rows = await tx.$queryRaw<{ endpoint: string | null; types: string[] | null }[]>`
    WITH changed AS (
      UPDATE posting
      SET ${Prisma.join([...sets, ...assignments(details.data ?? {})])}
      WHERE id = ${posting.id}::uuid
      RETURNING id
    ), logged AS (
      INSERT INTO posting_event (id, posting_id, type, from_status, to_status, message, attempt, created_at)
      SELECT gen_random_uuid(), id, 'STATUS_CHANGED', ${from}::"PostingStatus", ${to}::"PostingStatus",
             ${details.message ?? null}::text, ${details.attempt ?? null}::int, ${now}::timestamptz
      FROM changed
    )
    SELECT e.id::text AS endpoint, e.event_types AS types
    FROM changed LEFT JOIN event_endpoint AS e ON ${endpointsWanting(posting.organizationId, topics)}`;
  if (rows.length === 0) throw new NotFoundError('Posting', posting.id);
  if (from === to) return;
  const wanting = (topic: PublicTopic) =>
    rows.flatMap(({ endpoint, types }) => (endpoint && types?.includes(EVENT_TYPES[topic]) ? [endpoint] : []));
  const ids = { postingId: posting.id, jobId: posting.jobId, contractId: posting.contractId, boardId: posting.boardId };
  const organization = posting.organizationId;
  const changed = { ...ids, from, to };
  await announce(tx, emit, 'posting.statusChanged', organization, changed, wanting('posting.statusChanged'));
  // The board's verdict on a posting it reviewed: approved when it goes live, rejected otherwise.
  if (!reviewed) return;
  const verdict = { ...ids, approved: to === 'PUBLISHED', reason: details.review?.reason ?? null };
  await announce(tx, emit, 'posting.reviewed', organization, verdict, wanting('posting.reviewed'));
}

/** The board's refusals kept on a posting (paths within boardFields), as the API's field errors. */
export function boardFieldErrors(stored: Prisma.JsonValue): FieldError[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((entry) => {
    const { path, message } = (entry ?? {}) as { path?: unknown; message?: unknown };
    return Array.isArray(path) && typeof message === 'string'
      ? [{ path: ['boardFields', ...path.map(String)], message }]
      : [];
  });
}

/** The contract's posting the board knows by this id (the newest, should a board reuse an id). */
export function postingByExternalId(
  tx: Prisma.TransactionClient,
  contractId: string,
  externalId: string,
): Promise<Posting | null> {
  return tx.posting.findFirst({ where: { contractId, externalId }, orderBy: { createdAt: 'desc' } });
}

/**
 * A feed board (the board pulls a feed, nothing is sent to it) publishes, updates and withdraws on the spot: the
 * posting's presence in the feed is the publication.
 */
const readsFeed = (plugin: BoardPlugin) => plugin.capabilities.includes('feed') && !plugin.publish;

function requireCapability(plugin: BoardPlugin, capability: Capability): void {
  if (readsFeed(plugin) && ['publish', 'update', 'withdraw'].includes(capability)) return;
  if (!plugin.capabilities.includes(capability))
    throw new UnsupportedOperation(`${plugin.name} does not support ${capability} through this API.`);
}

/** Writes an outbox row for the worker and wakes the workers once the transaction commits. */
function queue(
  tx: Prisma.TransactionClient,
  emit: Emit,
  postingId: string,
  operation: 'PUBLISH' | 'UPDATE' | 'WITHDRAW',
  idempotencyKey = randomUUID(),
  availableAt?: Date,
) {
  return tx.boardOutbox
    .create({ data: { postingId, operation, idempotencyKey, ...(availableAt ? { availableAt } : {}) } })
    .then((row) => emit('boardOutbox.queued', { id: row.id }));
}

/**
 * Refuses a second live posting of the job on the contract. The contract's row lock, held to the end of the
 * transaction, serialises this check (and the credit reservation) between concurrent requests.
 */
async function lockForNewPosting(tx: Prisma.TransactionClient, jobId: string, contractId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM contract WHERE id = ${contractId}::uuid FOR UPDATE`;
  const live = await tx.posting.findFirst({
    where: { jobId, contractId, status: { in: LIVE_STATUSES } },
    select: { id: true },
  });
  if (live) throw new PostingExists(live.id);
}

/**
 * The board fields validated against the board's schema, then the job checked by the board's plugin; what the
 * plugin finds in the job is reported on `jobPath`, the argument that names the job.
 */
function validBoardFields(
  plugin: BoardPlugin,
  job: Job,
  fields: Record<string, unknown>,
  jobPath: string[],
): Record<string, unknown> {
  // A field the board does not have is refused, not dropped: a misspelt one would otherwise look sent.
  const shape = (plugin.postingFields as { shape?: Record<string, unknown> } | undefined)?.shape;
  const unknown = Object.keys(fields).filter((key) => !(plugin.postingFields && shape && key in shape));
  if (unknown.length > 0 && (shape || !plugin.postingFields))
    throw new ValidationError(
      unknown.map((key) => ({ path: ['boardFields', key], message: `is not a ${plugin.name} posting field` })),
    );
  const boardFields = plugin.postingFields
    ? (parseInput(plugin.postingFields, fields, ['boardFields']) as Record<string, unknown>)
    : {};
  const problems = plugin.checkPosting?.({ job: postingJob(job), boardFields }) ?? [];
  if (problems.length > 0)
    throw new ValidationError(
      problems.map((problem) => ({ path: jobPath, message: `the job's ${problem.field} ${problem.message}` })),
    );
  return boardFields;
}

/**
 * Asks the board to check the posting before a credit is reserved or anything is queued, for the boards that offer a
 * dry run: what it refuses is answered at once as a ValidationError on the board fields it names.
 */
async function refuseWhatTheBoardWould(
  deps: PostingDeps,
  plugin: BoardPlugin,
  contract: Contract,
  posting: PostingPayload,
): Promise<void> {
  if (!plugin.validatePosting) return;
  const refused = await checkOnBoard(deps, plugin, contract, posting);
  if (refused.length > 0) throw new ValidationError(refused);
}

/** The organisation's job and contract, the contract ACTIVE and its board able to do `capability`. */
async function jobOnActiveContract(
  deps: PostingDeps,
  viewer: Viewer,
  input: { jobId: string; contractId: string },
  capability: Capability,
) {
  const job = await deps.prisma.job.findFirst({
    where: { id: rowId(input.jobId), organizationId: viewer.organizationId },
  });
  if (!job) throw new NotFoundError('job', input.jobId);
  const contract = await findContract(deps.prisma, viewer.organizationId, input.contractId);
  const plugin = pluginOf(deps.boards, contract);
  requireCapability(plugin, capability);
  const status = effectiveStatus(contract);
  if (status !== 'ACTIVE')
    throw new ContractStateError(status, `The contract is ${status}; only an ACTIVE contract can be posted to.`);
  return { job, contract, plugin };
}

/**
 * Validates the board fields, checks the contract, reserves a credit and queues the publication: the posting
 * (QUEUED) and its outbox row are written in one transaction; a worker delivers it.
 */
export async function publishPosting(
  deps: PostingDeps,
  viewer: Viewer,
  input: {
    jobId: string;
    contractId: string;
    boardFields: Record<string, unknown>;
    repostOf?: string;
    publishAt?: Date | null;
    closeAt?: Date | null;
    /** Close it when the contract expires (closeAt follows the contract's expiry date). */
    closeWithContract?: boolean;
  },
): Promise<Posting> {
  const checked = checkSchedule(input.publishAt ?? null, input.closeAt ?? null);
  const { job, contract, plugin } = await jobOnActiveContract(deps, viewer, input, 'publish');
  const schedule = input.closeWithContract ? closingWithContract(contract, checked, input.closeAt ?? null) : checked;
  if (job.status !== 'OPEN') throw new UnsupportedOperation('The job is closed: reopen it to publish it.');

  const boardFields = validBoardFields(
    plugin,
    job,
    { ...plugin.postingDefaults?.(postingJob(job)), ...input.boardFields },
    ['jobId'],
  );

  await refuseWhatTheBoardWould(deps, plugin, contract, { job: postingJob(job), boardFields });
  const postingId = randomUUID();
  const feed = readsFeed(plugin);
  if (feed && schedule.publishAt)
    throw new ValidationError([
      {
        path: ['input', 'publishAt'],
        message: `${plugin.name} reads a feed: a posting is in it from the moment it is published`,
      },
    ]);
  if (feed && (await feedSourceOf(deps, plugin, contract)) === 'website') {
    throw new UnsupportedOperation(
      `This ${plugin.name} contract mirrors your website: its feed holds the open jobs shown on your website (onWebsite). Switch it to a dedicated medium to publish vacancies one by one.`,
    );
  }
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      await lockForNewPosting(tx, job.id, contract.id);
      await reserveCreditWithin(tx, contract.id, postingId);
      const draft = {
        id: postingId,
        organizationId: viewer.organizationId,
        jobId: job.id,
        contractId: contract.id,
        boardId: plugin.id,
        status: 'DRAFT' as const,
        boardFields: boardFields as Prisma.InputJsonValue,
        creditReference: postingId,
        repostOfId: input.repostOf ?? null,
        closeAt: schedule.closeAt,
        closeWithContract: input.closeWithContract === true,
      };
      if (feed) {
        const posting = await tx.posting.create({ data: { ...draft, externalId: postingId } });
        await consumeCredit(tx, contract.id, postingId);
        await transition(tx, emit, posting, 'PUBLISHED', {
          message: `In the ${plugin.name} feed from now on.${closing(schedule.closeAt, input.closeWithContract)}`,
        });
        return { ...posting, status: 'PUBLISHED' as const };
      }
      const posting = await tx.posting.create({ data: { ...draft, publishAt: schedule.publishAt } });
      const queued = schedule.publishAt
        ? `Scheduled for ${plugin.name} at ${schedule.publishAt.toISOString()}.`
        : input.repostOf
          ? `Queued for ${plugin.name} again (a repost).`
          : `Queued for ${plugin.name}.`;
      await transition(tx, emit, posting, 'QUEUED', {
        message: `${queued}${closing(schedule.closeAt, input.closeWithContract)}`,
      });
      await queue(tx, emit, postingId, 'PUBLISH', undefined, schedule.publishAt ?? undefined);
      return { ...posting, status: 'QUEUED' as const };
    }),
  );
}

/** The posting's status does not allow the operation. */
export class PostingStateError extends DomainError {
  override name = 'PostingStateError';
  constructor(
    readonly status: PostingStatus,
    message: string,
  ) {
    super(message);
  }
}

async function loadPosting(deps: PostingDeps, viewer: Viewer, postingId: string) {
  const posting = await deps.prisma.posting.findFirst({
    where: { id: rowId(postingId), organizationId: viewer.organizationId },
    include: { job: true, contract: true },
  });
  if (!posting) throw new NotFoundError('posting', postingId);
  const plugin = deps.boards.get(posting.boardId);
  if (!plugin) throw new UnsupportedOperation(`The board plugin "${posting.boardId}" is not loaded on this server.`);
  return { posting, plugin };
}

/**
 * Sends changed board fields (and the job's current content) to the board; delivered after any earlier call. It is
 * also how a recruiter corrects what the board refused: a FAILED publication is queued again with the corrected
 * fields (its credit was given back when it failed, so it still costs one), and a REJECTED posting goes back to
 * the board as an update (no credit: the publication already took it).
 */
export async function updatePosting(
  deps: PostingDeps,
  viewer: Viewer,
  input: { postingId: string; boardFields?: Record<string, unknown> | null },
): Promise<Posting> {
  const { posting, plugin } = await loadPosting(deps, viewer, input.postingId);
  const correcting = posting.status === 'FAILED' || (posting.status === 'REJECTED' && posting.externalId !== null);
  requireCapability(plugin, correcting && posting.status === 'FAILED' ? 'publish' : 'update');
  if (!correcting && !['PUBLISHED', 'PENDING_REVIEW', 'UPDATE_QUEUED'].includes(posting.status)) {
    throw new PostingStateError(
      posting.status,
      `A ${posting.status} posting cannot be updated; only a published one, one in review, or one the board refused (FAILED or REJECTED) can.`,
    );
  }
  // A linked posting has no board fields of ours yet: the job fills them as publishing would.
  const boardFields = validBoardFields(
    plugin,
    posting.job,
    {
      ...plugin.postingDefaults?.(postingJob(posting.job)),
      ...(posting.boardFields as Record<string, unknown>),
      ...input.boardFields,
    },
    ['id'],
  );
  await refuseWhatTheBoardWould(deps, plugin, posting.contract, { job: postingJob(posting.job), boardFields });
  if (posting.status === 'FAILED')
    return requeuePublication(
      deps,
      posting,
      { boardFields: boardFields as Prisma.InputJsonValue },
      'Corrected and queued again.',
    );
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      await tx.posting.update({
        where: { id: posting.id },
        data: { boardFields: boardFields as Prisma.InputJsonValue },
      });
      if (readsFeed(plugin)) {
        await tx.postingEvent.create({
          data: {
            postingId: posting.id,
            type: 'UPDATED',
            message: `The ${plugin.name} feed shows the change from now on.`,
          },
        });
        return { ...posting, boardFields: boardFields as Prisma.JsonValue };
      }
      await transition(tx, emit, posting, 'UPDATE_QUEUED', {
        message: correcting ? 'Corrected and sent back to the board.' : 'Update queued.',
      });
      await queue(tx, emit, posting.id, 'UPDATE');
      return { ...posting, status: 'UPDATE_QUEUED' as const };
    }),
  );
}

/**
 * Takes the posting off the board. One whose publication has not been sent yet is cancelled on the spot and its
 * credit released; otherwise the withdrawal is delivered after the calls before it.
 */
export async function withdrawPosting(deps: PostingDeps, viewer: Viewer, postingId: string): Promise<Posting> {
  const { posting, plugin } = await loadPosting(deps, viewer, postingId);
  return withdrawLoaded(deps, posting, plugin);
}

async function withdrawLoaded(
  deps: Pick<PostingDeps, 'prisma' | 'topics'>,
  posting: Posting,
  plugin: BoardPlugin,
  why?: string,
): Promise<Posting> {
  if (!LIVE_STATUSES.includes(posting.status))
    throw new PostingStateError(posting.status, `The posting is already ${posting.status}.`);
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      const cancelled = await tx.boardOutbox.updateMany({
        where: { postingId: posting.id, operation: 'PUBLISH', status: 'PENDING', attempts: 0 },
        data: { status: 'DONE', lastError: 'Cancelled: withdrawn before it was sent.' },
      });
      if (cancelled.count > 0) {
        if (posting.creditReference) await releaseCredit(tx, posting.contractId, posting.creditReference);
        await transition(tx, emit, posting, 'WITHDRAWN', {
          message: why ?? 'Withdrawn before it was sent to the board.',
          data: { closeAt: null },
        });
        return { ...posting, status: 'WITHDRAWN' as const };
      }
      requireCapability(plugin, 'withdraw');
      if (readsFeed(plugin)) {
        await transition(tx, emit, posting, 'WITHDRAWN', {
          message: why ?? `Out of the ${plugin.name} feed.`,
          data: { closeAt: null },
        });
        return { ...posting, status: 'WITHDRAWN' as const };
      }
      const pending = await tx.boardOutbox.findFirst({
        where: { postingId: posting.id, operation: 'WITHDRAW', status: { in: ['PENDING', 'PROCESSING'] } },
      });
      if (pending) throw new PostingStateError(posting.status, 'A withdrawal of this posting is already on its way.');
      await tx.postingEvent.create({
        data: { postingId: posting.id, type: 'WITHDRAWAL_QUEUED', message: why ?? 'Withdrawal queued.' },
      });
      await queue(tx, emit, posting.id, 'WITHDRAW');
      return posting;
    }),
  );
}

/**
 * Takes a closed job off every board: each live posting is withdrawn as withdrawPosting would (a publication not
 * sent yet is cancelled, a feed drops it at once, a board gets a withdrawal). A posting whose withdrawal is already
 * on its way, or whose board cannot withdraw, is left as it is; each outcome is on its posting.
 */
export async function withdrawJobEverywhere(deps: PostingDeps, viewer: Viewer, jobId: string): Promise<number> {
  const live = await deps.prisma.posting.findMany({
    where: { jobId, organizationId: viewer.organizationId, status: { in: LIVE_STATUSES } },
    select: { id: true },
  });
  let withdrawn = 0;
  for (const posting of live) {
    try {
      await withdrawPosting(deps, viewer, posting.id);
      withdrawn += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return withdrawn;
}

/** Publication and closing times: in the future, the closing after the publication, within a year. */
/** What the posting log says of a scheduled close. */
const closing = (closeAt: Date | null, withContract?: boolean) =>
  !closeAt
    ? ''
    : withContract
      ? ` Closes when the contract expires (now ${closeAt.toISOString()}).`
      : ` Closes at ${closeAt.toISOString()}.`;

/** The schedule of a posting that closes when its contract expires. */
function closingWithContract(
  contract: Pick<Contract, 'expiresAt'>,
  schedule: { publishAt: Date | null; closeAt: Date | null },
  closeAt: Date | null,
): { publishAt: Date | null; closeAt: Date } {
  const path = ['input', 'closeWithContract'];
  if (closeAt) throw new ValidationError([{ path, message: 'give closeAt or closeWithContract, not both' }]);
  if (!contract.expiresAt) throw new ValidationError([{ path, message: 'the contract has no expiry date' }]);
  if (schedule.publishAt && schedule.publishAt >= contract.expiresAt)
    throw new ValidationError([{ path: ['input', 'publishAt'], message: 'must be before the contract expires' }]);
  return { publishAt: schedule.publishAt, closeAt: contract.expiresAt };
}

function checkSchedule(
  publishAt: Date | null,
  closeAt: Date | null,
  /** A publication already scheduled, which the close must follow. */
  scheduled: Date | null = null,
): { publishAt: Date | null; closeAt: Date | null } {
  const now = Date.now();
  const year = now + 366 * 86_400_000;
  const problems: FieldError[] = [];
  if (publishAt && (publishAt.getTime() <= now || publishAt.getTime() > year))
    problems.push({ path: ['input', 'publishAt'], message: 'must be in the future, within a year' });
  const after = Math.max(now, publishAt?.getTime() ?? 0, scheduled?.getTime() ?? 0);
  if (closeAt && (closeAt.getTime() <= after || closeAt.getTime() > year))
    problems.push({ path: ['input', 'closeAt'], message: 'must be after the publication, within a year' });
  if (problems.length > 0) throw new ValidationError(problems);
  return { publishAt, closeAt };
}

/**
 * Claims up to `limit` postings whose scheduled closing time has come, clearing it (FOR UPDATE SKIP LOCKED: two
 * workers never close the same posting).
 */
export function claimDueClosings(
  prisma: PrismaClient,
  limit: number,
): Promise<{ id: string; with_contract: boolean }[]> {
  return prisma.$queryRaw<{ id: string; with_contract: boolean }[]>`
    UPDATE posting AS p SET close_at = NULL, close_with_contract = false
    FROM (
      SELECT q.id, q.close_with_contract FROM posting AS q WHERE q.close_at <= now()
      ORDER BY q.close_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE p.id = due.id
    RETURNING p.id::text AS id, due.close_with_contract AS with_contract`;
}

/** Withdraws a posting at its scheduled closing time (its own, or its contract's expiry), if it is still live. */
export async function closeScheduledPosting(
  deps: Pick<PostingDeps, 'prisma' | 'boards' | 'topics'>,
  postingId: string,
  withContract = false,
): Promise<void> {
  const posting = await deps.prisma.posting.findUniqueOrThrow({ where: { id: postingId } });
  const plugin = deps.boards.get(posting.boardId);
  if (!plugin || !LIVE_STATUSES.includes(posting.status)) return;
  const why = withContract ? 'Closed: its contract expired.' : 'Closed at its scheduled time.';
  await withdrawLoaded(deps, posting, plugin, why).catch((error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
  });
}

/**
 * Moves the closing time of the live postings that close with the contract to its new expiry date (a renewal),
 * in the caller's transaction.
 */
export function followContractExpiry(tx: Prisma.TransactionClient, contractId: string, expiresAt: Date | null) {
  return tx.posting.updateMany({
    where: { contractId, closeWithContract: true, status: { in: LIVE_STATUSES } },
    data: { closeAt: expiresAt },
  });
}

/**
 * Sets when a live posting is taken off its board: at `closeAt`, when its contract expires (`withContract`), or
 * never (neither: a scheduled close is cancelled). The posting log says which.
 */
export async function schedulePostingClose(
  deps: PostingDeps,
  viewer: Viewer,
  input: { postingId: string; closeAt: Date | null; withContract: boolean },
): Promise<Posting> {
  const { posting } = await loadPosting(deps, viewer, input.postingId);
  if (!LIVE_STATUSES.includes(posting.status))
    throw new PostingStateError(posting.status, `The posting is already ${posting.status}: there is nothing to close.`);
  const contract = await deps.prisma.contract.findUniqueOrThrow({ where: { id: posting.contractId } });
  const publishAt = posting.status === 'QUEUED' ? posting.publishAt : null;
  let closeAt: Date | null;
  try {
    closeAt = input.withContract
      ? closingWithContract(contract, { publishAt, closeAt: null }, input.closeAt).closeAt
      : checkSchedule(null, input.closeAt, publishAt).closeAt;
  } catch (error) {
    // The checks speak of publishPosting's input; here the arguments are closeAt and withContract.
    if (!(error instanceof ValidationError)) throw error;
    const argument = (path: (string | number)[]) => [path.at(-1) === 'closeWithContract' ? 'withContract' : 'closeAt'];
    throw new ValidationError(error.fieldErrors.map((problem) => ({ ...problem, path: argument(problem.path) })));
  }
  return deps.prisma.$transaction(async (tx) => {
    const updated = await tx.posting.update({
      where: { id: posting.id },
      data: { closeAt, closeWithContract: input.withContract },
    });
    const message = closeAt
      ? closing(closeAt, input.withContract).trim()
      : 'No closing time: it stays until taken off.';
    await tx.postingEvent.create({ data: { postingId: posting.id, type: 'CLOSE_SCHEDULED', message } });
    return updated;
  });
}

/** The ended statuses a posting can be published again from. */
export const REPOSTABLE_STATUSES: PostingStatus[] = ['EXPIRED', 'WITHDRAWN', 'REJECTED'];

/**
 * Publishes an ended posting again (EXPIRED, WITHDRAWN or REJECTED) with its last board fields, changed by
 * `boardFields`: a new posting linked to the old one, taking a new credit like any publication. (Correcting a
 * REJECTED posting with updatePosting takes none: that is the same publication sent back to the board's review.)
 */
export async function repostPosting(
  deps: PostingDeps,
  viewer: Viewer,
  input: { postingId: string; boardFields?: Record<string, unknown> | null },
): Promise<Posting> {
  const { posting } = await loadPosting(deps, viewer, input.postingId);
  if (!REPOSTABLE_STATUSES.includes(posting.status))
    throw new PostingStateError(
      posting.status,
      `Only an ended posting (${REPOSTABLE_STATUSES.join(', ')}) can be reposted; this one is ${posting.status}.`,
    );
  return publishPosting(deps, viewer, {
    jobId: posting.jobId,
    contractId: posting.contractId,
    boardFields: { ...(posting.boardFields as Record<string, unknown>), ...input.boardFields },
    repostOf: posting.id,
  });
}

/** Queues a FAILED posting's publication again, with its first idempotency key, reserving a credit again. */
export async function retryPosting(deps: PostingDeps, viewer: Viewer, postingId: string): Promise<Posting> {
  const { posting } = await loadPosting(deps, viewer, postingId);
  if (posting.status !== 'FAILED')
    throw new PostingStateError(posting.status, `Only a FAILED posting can be retried; this one is ${posting.status}.`);
  return requeuePublication(deps, posting, {}, 'Queued again.');
}

/**
 * Queues a FAILED posting's publication again (with `data`, e.g. corrected board fields): the same idempotency
 * key, so that if an earlier attempt did reach the board, the board answers with that posting; a credit reserved
 * again (the failure gave the first one back).
 */
async function requeuePublication(
  deps: PostingDeps,
  posting: Posting & { contract: Contract },
  data: Prisma.PostingUncheckedUpdateInput,
  message: string,
): Promise<Posting> {
  const status = effectiveStatus(posting.contract);
  if (status !== 'ACTIVE')
    throw new ContractStateError(status, `The contract is ${status}; only an ACTIVE contract can publish.`);
  const publication = await deps.prisma.boardOutbox.findFirst({
    where: { postingId: posting.id, operation: 'PUBLISH' },
    orderBy: { createdAt: 'desc' },
  });
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      const rounds = await tx.postingEvent.count({ where: { postingId: posting.id, type: 'RETRIED' } });
      const creditReference = `${posting.id}:retry-${rounds + 1}`;
      await reserveCreditWithin(tx, posting.contractId, creditReference);
      await tx.posting.update({
        where: { id: posting.id },
        data: { ...data, creditReference, lastError: null, fieldErrors: [] },
      });
      await tx.postingEvent.create({
        data: { postingId: posting.id, type: 'RETRIED', message: 'Queued again by a user.' },
      });
      await transition(tx, emit, posting, 'QUEUED', { message });
      if (publication) {
        await tx.boardOutbox.update({
          where: { id: publication.id },
          data: { status: 'PENDING', attempts: 0, availableAt: new Date(), lastError: null },
        });
        emit('boardOutbox.queued', { id: publication.id });
      } else {
        await queue(tx, emit, posting.id, 'PUBLISH');
      }
      return {
        ...posting,
        ...(data.boardFields === undefined ? {} : { boardFields: data.boardFields as Prisma.JsonValue }),
        status: 'QUEUED' as const,
      };
    }),
  );
}

const BOARD_STATUS: Record<PostingState['status'], PostingStatus> = {
  PENDING_REVIEW: 'PENDING_REVIEW',
  PUBLISHED: 'PUBLISHED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  WITHDRAWN: 'WITHDRAWN',
};

/** Starts tracking a posting made directly on the board: checked there first, no credit spent. */
export async function linkExistingPosting(
  deps: PostingDeps,
  viewer: Viewer,
  input: { jobId: string; contractId: string; externalId: string },
): Promise<Posting> {
  const { job, contract, plugin } = await jobOnActiveContract(deps, viewer, input, 'linkExisting');
  const externalId = parseInput(z.string().trim().min(1, 'must not be empty').max(200), input.externalId, [
    'externalId',
  ]);
  const state = await fetchBoardState(deps, plugin, contract, externalId);
  if (!state) throw new NotFoundError(`posting on ${plugin.name}`, externalId);
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      await lockForNewPosting(tx, job.id, contract.id);
      // One board posting maps to at most one live posting of the organisation, whichever of its contracts (two
      // contracts may be one account on the board); the lock serialises concurrent links of the same one.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`link:${viewer.organizationId}:${plugin.id}:${externalId}`}))`;
      const linked = await tx.posting.findFirst({
        where: { organizationId: viewer.organizationId, boardId: plugin.id, externalId, status: { in: LIVE_STATUSES } },
        select: { id: true },
      });
      if (linked)
        throw new PostingExists(
          linked.id,
          `The ${plugin.name} posting ${externalId} is already linked to a live posting.`,
        );
      const posting = await tx.posting.create({
        data: {
          organizationId: viewer.organizationId,
          jobId: job.id,
          contractId: contract.id,
          boardId: plugin.id,
          status: 'DRAFT',
          externalId,
          externalUrl: state.externalUrl ?? null,
        },
      });
      await transition(tx, emit, posting, BOARD_STATUS[state.status], {
        message: `Linked to the existing ${plugin.name} posting ${externalId}.`,
        // Tracked from now on: a board without push is asked where it stands, as for postings made here.
        data: {
          rejectionReason: state.rejectionReason ?? null,
          ...(plugin.capabilities.includes('statusPolling') ? { nextPollAt: new Date() } : {}),
        },
      });
      return { ...posting, status: BOARD_STATUS[state.status] };
    }),
  );
}

export { BOARD_STATUS };

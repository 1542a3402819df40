import { filter, pipe } from 'graphql-yoga';
import { ContractStateError } from '../core/contracts/contracts.ts';
import { postingOutlook, postingOutlookSelect } from '../core/next-action.ts';
import { NotEnoughCredits } from '../core/credits.ts';
import { BoardUnavailableError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { PostingReviewed, PostingStatusChanged } from '../core/topics.ts';
import {
  boardFieldErrors,
  linkExistingPosting,
  PostingExists,
  PostingStateError,
  publishPosting,
  repostPosting,
  retryPosting,
  schedulePostingClose,
  UnsupportedOperation,
  updatePosting,
  withdrawPosting,
} from '../core/postings/postings.ts';
import { PostingStatus } from '../db/generated/prisma/enums.ts';
import { BoardRef } from './boards.ts';
import { builder } from './builder.ts';
import { NextActionRef } from './next-action.ts';
import { viewerOf, type Context } from './context.ts';
import { ContractRef } from './contracts.ts';
import { ErrorInterface, FieldErrorRef } from './errors.ts';
import { JobRef } from './jobs.ts';
import { inOrganization } from './tenancy.ts';

const PostingStatusEnum = builder.enumType(PostingStatus, { name: 'PostingStatus' });

/** The boardFields argument: an object of board fields, or nothing. */
function boardFieldsArgument(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ValidationError([{ path: ['boardFields'], message: 'must be an object of board fields' }]);
  return value as Record<string, unknown>;
}

builder.objectType(NotEnoughCredits, {
  name: 'NotEnoughCredits',
  description: 'The contract has no credit left. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotEnoughCredits,
  fields: (t) => ({ total: t.exposeInt('total'), used: t.exposeInt('used') }),
});

builder.objectType(PostingExists, {
  name: 'PostingExists',
  description: 'The job already has a live posting on this contract. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PostingExists,
  fields: (t) => ({
    posting: t.prismaField({
      type: 'Posting',
      resolve: (query, error, _args, context) =>
        context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: error.postingId } }),
    }),
  }),
});

builder.objectType(PostingStateError, {
  name: 'PostingStateError',
  description: "The posting's status does not allow the operation. Nothing was changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PostingStateError,
  // Not `status`: selected beside Posting.status in one union, the names must not clash.
  fields: (t) => ({
    postingStatus: t.field({
      type: PostingStatusEnum,
      description: "The posting's status, which refused the operation.",
      resolve: (error) => error.status,
    }),
  }),
});

builder.objectType(UnsupportedOperation, {
  name: 'UnsupportedOperation',
  description: 'The board or the object does not allow the operation. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof UnsupportedOperation,
  fields: () => ({}),
});

builder.prismaObject('PostingEvent', {
  description: 'An entry of the posting log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type', {
      description: 'STATUS_CHANGED, or DELIVERY_RETRY when a call to the board failed and will be tried again.',
    }),
    from: t.expose('fromStatus', { type: PostingStatusEnum, nullable: true }),
    to: t.expose('toStatus', { type: PostingStatusEnum, nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    attempt: t.exposeInt('attempt', { nullable: true }),
    at: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const PostingRef = builder.prismaNode('Posting', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  description: 'A job published, or on its way, on one board through one contract.',
  fields: (t) => ({
    status: t.expose('status', { type: PostingStatusEnum }),
    externalId: t.exposeString('externalId', { nullable: true, description: "The board's id of the posting." }),
    externalUrl: t.exposeString('externalUrl', { nullable: true }),
    rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last call to the board failed.' }),
    fieldErrors: t.field({
      type: [FieldErrorRef],
      description:
        'The board fields the board refused on the last call, with its reasons (paths start with "boardFields"). Correct them with updatePosting: a FAILED publication is sent again without a second credit, a REJECTED posting goes back to the board\'s review.',
      resolve: (posting) => boardFieldErrors(posting.fieldErrors),
    }),
    withdrawalQueued: t.boolean({
      description:
        'A withdrawal is on its way to the board: the posting stays live (its status) until the board has taken it off.',
      select: {
        _count: {
          select: { boardOutbox: { where: { operation: 'WITHDRAW', status: { in: ['PENDING', 'PROCESSING'] } } } },
        },
      },
      resolve: (posting) => posting._count.boardOutbox > 0,
    }),
    nextAction: t.field({
      type: NextActionRef,
      description:
        'What to do about the posting now, or that nothing is needed: a code for a frontend, words for people.',
      select: postingOutlookSelect,
      resolve: (posting) => postingOutlook(posting).nextAction,
    }),
    publishAt: t.expose('publishAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the publication was scheduled to be sent; null when it was sent at once.',
    }),
    closeAt: t.expose('closeAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the worker takes the posting off the board; null when not scheduled (or done).',
    }),
    closeWithContract: t.exposeBoolean('closeWithContract', {
      description: "The posting closes when its contract expires (closeAt follows the contract's expiry date).",
    }),
    repostOf: t.relation('repostOf', {
      nullable: true,
      description: 'The ended posting this one publishes again (repostPosting).',
    }),
    boardWarnings: t.stringList({
      description:
        'What the board accepted but remarked on at the last publication or update (e.g. a code it will retire), in its words.',
      resolve: (posting) =>
        Array.isArray(posting.boardWarnings) ? posting.boardWarnings.filter((item) => typeof item === 'string') : [],
    }),
    boardFields: t.field({ type: 'JSON', resolve: (posting) => posting.boardFields }),
    board: t.field({
      type: BoardRef,
      nullable: true,
      resolve: (posting, _args, context) => context.boards.get(posting.boardId) ?? null,
    }),
    job: t.relation('job'),
    contract: t.relation('contract'),
    events: t.relation('events', {
      description: 'The posting log, oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { sequence: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField('Contract', 'postings', (t) =>
  t.relatedConnection('postings', {
    cursor: 'id',
    description: 'The log of jobs posted through this contract, newest first.',
    query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

const PostingFilter = builder.inputType('PostingFilter', {
  fields: (t) => ({
    status: t.field({ type: [PostingStatusEnum] }),
    boardId: t.id(),
    jobId: t.globalID({ for: [JobRef] }),
    contractId: t.globalID({ for: [ContractRef] }),
    createdAfter: t.field({ type: 'DateTime' }),
    createdBefore: t.field({ type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  postings: t.prismaConnection({
    type: 'Posting',
    cursor: 'id',
    description: "The organisation's postings, newest first.",
    args: { filter: t.arg({ type: PostingFilter }) },
    resolve: (query, _root, { filter }, context) =>
      context.prisma.posting.findMany({
        ...query,
        where: {
          organizationId: viewerOf(context).organizationId,
          ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
          ...(filter?.boardId ? { boardId: String(filter.boardId) } : {}),
          ...(filter?.jobId ? { jobId: inOrganization(filter.jobId.id, context).id } : {}),
          ...(filter?.contractId ? { contractId: inOrganization(filter.contractId.id, context).id } : {}),
          ...(filter?.createdAfter || filter?.createdBefore
            ? {
                createdAt: {
                  ...(filter.createdAfter ? { gte: filter.createdAfter } : {}),
                  ...(filter.createdBefore ? { lt: filter.createdBefore } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  posting: t.prismaField({
    type: 'Posting',
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: [PostingRef] }) },
    resolve: (query, _root, { id }, context) =>
      context.prisma.posting.findFirst({ ...query, where: inOrganization(id.id, context) }),
  }),
}));

const PublishPostingInput = builder.inputType('PublishPostingInput', {
  fields: (t) => ({
    jobId: t.globalID({ required: true, for: [JobRef] }),
    contractId: t.globalID({ required: true, for: [ContractRef] }),
    boardFields: t.field({
      type: 'JSON',
      description: 'The board-only fields (Board.postingFieldsSchema); defaults derived from the job fill the rest.',
    }),
    publishAt: t.field({
      type: 'DateTime',
      description:
        'Send the publication then instead of at once (within a year). Until then the posting is QUEUED; withdrawPosting cancels it and gives the credit back.',
    }),
    closeAt: t.field({
      type: 'DateTime',
      description: 'Take the posting off the board then (after the publication, within a year).',
    }),
    closeWithContract: t.boolean({
      description:
        "Take the posting off the board when the contract expires: closeAt is the contract's expiry date, and follows it when the contract is renewed. Not with closeAt.",
    }),
  }),
});

builder.mutationField('publishPosting', (t) =>
  t.prismaField({
    type: 'Posting',
    description:
      "Queues the job for publication on the contract's board and reserves a credit; follow it with postingStatusChanged.",
    errors: {
      types: [
        ValidationError,
        NotFoundError,
        ContractStateError,
        NotEnoughCredits,
        PostingExists,
        UnsupportedOperation,
      ],
    },
    args: { input: t.arg({ type: PublishPostingInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const posting = await publishPosting(context, viewerOf(context), {
        jobId: input.jobId.id,
        contractId: input.contractId.id,
        boardFields: boardFieldsArgument(input.boardFields) ?? {},
        publishAt: input.publishAt ?? null,
        closeAt: input.closeAt ?? null,
        closeWithContract: input.closeWithContract ?? false,
      });
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
);

const PostingStatusChangeRef = builder.objectRef<PostingStatusChanged>('PostingStatusChange').implement({
  fields: (t) => ({
    from: t.field({ type: PostingStatusEnum, nullable: true, resolve: (event) => event.from as PostingStatus | null }),
    to: t.field({ type: PostingStatusEnum, resolve: (event) => event.to as PostingStatus }),
    posting: t.prismaField({
      type: 'Posting',
      resolve: (query, event, _args, context) =>
        context.prisma.posting.findFirstOrThrow({ ...query, where: inOrganization(event.postingId, context) }),
    }),
  }),
});

const PostingEventFilter = builder.inputType('PostingEventFilter', {
  fields: (t) => ({
    contractId: t.globalID({ for: [ContractRef] }),
    boardId: t.id(),
    jobId: t.globalID({ for: [JobRef] }),
  }),
});

builder.subscriptionField('postingStatusChanged', (t) =>
  t.field({
    type: PostingStatusChangeRef,
    description: "Every status change of the organisation's postings, published after it is committed.",
    args: { filter: t.arg({ type: PostingEventFilter }) },
    subscribe: (_root, { filter: wanted }, context) =>
      pipe(
        context.topics.subscribe('posting.statusChanged', viewerOf(context).organizationId),
        filter(
          (event: PostingStatusChanged) =>
            (!wanted?.contractId || wanted.contractId.id === event.contractId) &&
            (!wanted?.boardId || String(wanted.boardId) === event.boardId) &&
            (!wanted?.jobId || wanted.jobId.id === event.jobId),
        ),
      ),
    resolve: (event) => event,
  }),
);

builder.mutationFields((t) => ({
  updatePosting: t.prismaField({
    type: 'Posting',
    description:
      "Sends the job's current content and changed board fields to the board, without visiting it. Also corrects what the board refused (Posting.fieldErrors): a FAILED publication is queued again (one credit in the end), a REJECTED posting goes back to the board's review (no new credit).",
    errors: { types: [ValidationError, NotFoundError, PostingStateError, UnsupportedOperation] },
    args: { id: t.arg.globalID({ required: true, for: [PostingRef] }), boardFields: t.arg({ type: 'JSON' }) },
    resolve: async (query, _root, { id, boardFields }, context) => {
      const posting = await updatePosting(context, viewerOf(context), {
        postingId: id.id,
        boardFields: boardFieldsArgument(boardFields),
      });
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
  withdrawPosting: t.prismaField({
    type: 'Posting',
    description: 'Takes the posting off the board (at once when it has not been sent yet, with its credit back).',
    errors: { types: [NotFoundError, PostingStateError, UnsupportedOperation] },
    args: { id: t.arg.globalID({ required: true, for: [PostingRef] }) },
    resolve: async (query, _root, { id }, context) => {
      const posting = await withdrawPosting(context, viewerOf(context), id.id);
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
  schedulePostingClose: t.prismaField({
    type: 'Posting',
    description:
      'Sets when a live posting is taken off its board: at closeAt, when its contract expires (withContract), or never (neither: a scheduled close is cancelled). The posting log says which.',
    errors: { types: [ValidationError, NotFoundError, PostingStateError] },
    args: {
      id: t.arg.globalID({ required: true, for: [PostingRef] }),
      closeAt: t.arg({ type: 'DateTime' }),
      withContract: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (query, _root, { id, closeAt, withContract }, context) => {
      const posting = await schedulePostingClose(context, viewerOf(context), {
        postingId: id.id,
        closeAt: closeAt ?? null,
        withContract: withContract ?? false,
      });
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
  repostPosting: t.prismaField({
    type: 'Posting',
    description:
      'Publishes an ended posting (EXPIRED, WITHDRAWN or REJECTED) again with its last board fields, changed by boardFields: a new posting (repostOf names the old one) that takes a new credit. To correct a REJECTED posting without a new credit, use updatePosting.',
    errors: {
      types: [
        ValidationError,
        NotFoundError,
        PostingStateError,
        ContractStateError,
        NotEnoughCredits,
        PostingExists,
        UnsupportedOperation,
      ],
    },
    args: { id: t.arg.globalID({ required: true, for: [PostingRef] }), boardFields: t.arg({ type: 'JSON' }) },
    resolve: async (query, _root, { id, boardFields }, context) => {
      const posting = await repostPosting(context, viewerOf(context), {
        postingId: id.id,
        boardFields: boardFieldsArgument(boardFields),
      });
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
  retryPosting: t.prismaField({
    type: 'Posting',
    description: 'Queues a FAILED posting again (a credit is reserved again).',
    errors: { types: [NotFoundError, PostingStateError, ContractStateError, NotEnoughCredits, UnsupportedOperation] },
    args: { id: t.arg.globalID({ required: true, for: [PostingRef] }) },
    resolve: async (query, _root, { id }, context) => {
      const posting = await retryPosting(context, viewerOf(context), id.id);
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
  linkExistingPosting: t.prismaField({
    type: 'Posting',
    description:
      'Links a posting made directly on the board to a job, once the board confirms it exists; spends no credit.',
    errors: {
      types: [
        ValidationError,
        NotFoundError,
        ContractStateError,
        PostingExists,
        UnsupportedOperation,
        BoardUnavailableError,
      ],
    },
    args: {
      jobId: t.arg.globalID({ required: true, for: [JobRef] }),
      contractId: t.arg.globalID({ required: true, for: [ContractRef] }),
      externalId: t.arg.string({ required: true, description: "The board's id of the posting." }),
    },
    resolve: async (query, _root, args, context) => {
      const posting = await linkExistingPosting(context, viewerOf(context), {
        jobId: args.jobId.id,
        contractId: args.contractId.id,
        externalId: args.externalId,
      });
      return context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: posting.id } });
    },
  }),
}));

export const PostingReviewInterface = builder.interfaceRef<PostingReviewed>('PostingReview').implement({
  description: "A board's verdict on a posting it reviewed.",
  fields: (t) => ({
    approved: t.exposeBoolean('approved'),
    reason: t.exposeString('reason', { nullable: true, description: "The board's reason for a rejection." }),
    posting: t.prismaField({
      type: 'Posting',
      resolve: (query, event, _args, context) =>
        context.prisma.posting.findFirstOrThrow({ ...query, where: inOrganization(event.postingId, context) }),
    }),
  }),
});

const PostingReviewedRef = builder
  .objectRef<PostingReviewed>('PostingReviewed')
  .implement({ interfaces: [PostingReviewInterface] });

/** The organisation's review verdicts, optionally of one board, as they are committed. */
export function reviewedStream(context: Context, boardId: string | null | undefined) {
  return pipe(
    context.topics.subscribe('posting.reviewed', viewerOf(context).organizationId),
    filter((event: PostingReviewed) => !boardId || event.boardId === boardId),
  );
}

builder.subscriptionField('postingReviewed', (t) =>
  t.field({
    type: PostingReviewedRef,
    description: 'Approvals and rejections of postings by every board.',
    args: { boardId: t.arg.id() },
    subscribe: (_root, { boardId }, context) =>
      reviewedStream(context, boardId === null || boardId === undefined ? null : String(boardId)),
    resolve: (event) => event,
  }),
);

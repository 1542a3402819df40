import type { StoredAnswer } from '../core/screening.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { filter, pipe } from 'graphql-yoga';
import {
  assignPendingCandidate,
  deleteCandidate,
  NotPending,
  rejectPendingCandidate,
} from '../core/candidates/candidates.ts';
import { NotFoundError } from '../core/errors.ts';
import type { CandidateReceived } from '../core/topics.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import { ApplicationStatus } from '../db/generated/prisma/enums.ts';
import { BoardRef } from './boards.ts';
import { builder } from './builder.ts';
import { viewerOf, type Context } from './context.ts';
import { ErrorInterface } from './errors.ts';
import { JobRef } from './jobs.ts';
import { inOrganization } from './tenancy.ts';

const ApplicationStatusEnum = builder.enumType(ApplicationStatus, {
  name: 'ApplicationStatus',
  values: {
    ACTIVE: { description: "In the job's pipeline." },
    PENDING: {
      description: 'In the pending pool: the board named no posting of ours and no single open job matched its title.',
    },
    REJECTED: { description: 'Taken out of the pending pool without a job.' },
  },
});

const DocumentLinkRef = builder.objectRef<{ url: string; expiresAt: Date }>('DocumentLink').implement({
  description: 'A download link that works without a token until it expires; ask again for a fresh one.',
  fields: (t) => ({ url: t.exposeString('url'), expiresAt: t.expose('expiresAt', { type: 'DateTime' }) }),
});

const CvDownloadStatusEnum = builder.enumType('CvDownloadStatus', {
  values: {
    PENDING: { description: 'Waiting to be fetched, or to be tried again after a failure.' },
    PROCESSING: { description: 'Being fetched.' },
    DONE: { description: "Fetched and attached to the candidate's CV." },
    FAILED: { description: 'Given up: lastError says why (e.g. the link had expired).' },
  } as const,
});

builder.prismaObject('DocumentDownload', {
  name: 'CvDownload',
  description: 'A CV the board serves behind a link (often a one-time link): the worker fetches it, retrying.',
  fields: (t) => ({
    status: t.field({ type: CvDownloadStatusEnum, resolve: (download) => download.status }),
    attempts: t.exposeInt('attempts'),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const DocumentRef = builder.prismaObject('Document', {
  description: 'A file a candidate sent (a CV).',
  fields: (t) => ({
    fileName: t.exposeString('fileName'),
    contentType: t.exposeString('contentType', { description: 'What the bytes are, whatever the board claimed.' }),
    size: t.exposeInt('size', { description: 'In bytes.' }),
    link: t.field({
      type: DocumentLinkRef,
      resolve: (document, _args, context) => context.documents.links.sign(document.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CandidateLocationRef = builder
  .objectRef<{ city: string | null; countryCode: string | null }>('CandidateLocation')
  .implement({
    fields: (t) => ({
      city: t.exposeString('city', { nullable: true }),
      countryCode: t.exposeString('countryCode', { nullable: true }),
    }),
  });

export const CandidateRef = builder.prismaNode('Candidate', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  description: 'A person who applied through a board; one per e-mail address.',
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    location: t.field({
      type: CandidateLocationRef,
      resolve: (candidate) => ({ city: candidate.city, countryCode: candidate.countryCode }),
    }),
    profileUrl: t.exposeString('profileUrl', { nullable: true, description: "The candidate's profile on the board." }),
    consentAt: t.expose('consentAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the candidate agreed to their data being passed on.',
    }),
    cv: t.field({
      type: DocumentRef,
      nullable: true,
      description: 'The latest CV.',
      // Selected with the candidate, so a page of candidates costs no query per candidate.
      select: { documents: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 } },
      resolve: (candidate) => candidate.documents[0] ?? null,
    }),
    documents: t.relation('documents', { query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] } }),
    applications: t.relatedConnection('applications', {
      cursor: 'id',
      query: () => ({ orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }] }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ScreeningAnswerRef = builder.objectRef<StoredAnswer>('ScreeningAnswer').implement({
  fields: (t) => ({
    questionId: t.exposeString('questionId', { nullable: true }),
    question: t.exposeString('question', { description: 'The question as it was asked.' }),
    answer: t.field({
      type: 'JSON',
      description: 'Text (free text, single choice), a list of choices (multiple choice) or true/false (yes/no).',
      resolve: (answer) => answer.answer,
    }),
  }),
});

export const ApplicationRef = builder.prismaNode('Application', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  description: "A candidate's application through a board: to a job, or waiting in the pending pool.",
  fields: (t) => ({
    candidate: t.relation('candidate'),
    job: t.relation('job', { nullable: true, description: 'Null while pending or rejected from the pending pool.' }),
    posting: t.relation('posting', {
      nullable: true,
      description: 'The posting applied to, when the board named one of ours.',
    }),
    contract: t.relation('contract'),
    board: t.field({
      type: BoardRef,
      nullable: true,
      resolve: (application, _args, context) => context.boards.get(application.boardId) ?? null,
    }),
    boardId: t.exposeString('boardId'),
    status: t.expose('status', { type: ApplicationStatusEnum }),
    stage: t.exposeString('stage', {
      nullable: true,
      description: "The pipeline stage; new applications land in the job's first.",
    }),
    boardApplicationId: t.exposeString('boardApplicationId'),
    answers: t.field({
      type: [ScreeningAnswerRef],
      description: "The candidate's answers to the job's screening questions.",
      resolve: (application) =>
        Array.isArray(application.answers) ? (application.answers as unknown as StoredAnswer[]) : [],
    }),
    knockedOut: t.exposeBoolean('knockedOut', {
      description: 'An answer was the knock-out answer of a yes/no question.',
    }),
    cvDownload: t.relation('documentDownload', {
      nullable: true,
      description:
        'The CV the board serves behind a link, fetched after the application arrived; null when the board sent the CV with the application, or none.',
    }),
    jobTitle: t.exposeString('jobTitle', { nullable: true, description: 'The job title the board sent.' }),
    pendingReason: t.exposeString('pendingReason', {
      nullable: true,
      description: 'Why it waits in the pending pool.',
    }),
    suggestedJobs: t.loadable({
      type: [JobRef],
      nullable: { list: false, items: true },
      description:
        "The open jobs the board's title most resembles, likeliest first (pending applications); null for a job since deleted.",
      // One query for the suggestions of a whole page of applications.
      load: async (ids: string[], context: Context) => {
        const jobs = await context.prisma.job.findMany({
          where: { id: { in: ids }, organizationId: viewerOf(context).organizationId },
        });
        return ids.map((id) => jobs.find((job) => job.id === id) ?? null);
      },
      resolve: (application) => application.suggestedJobIds,
    }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField('Job', 'applications', (t) =>
  t.relatedConnection('applications', {
    cursor: 'id',
    query: () => ({ orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }] }),
  }),
);
builder.prismaObjectField('Posting', 'applications', (t) =>
  t.relatedConnection('applications', {
    cursor: 'id',
    query: () => ({ orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }] }),
  }),
);

const CandidateFilter = builder.inputType('CandidateFilter', {
  fields: (t) => ({
    jobId: t.globalID({ for: [JobRef], description: 'Candidates who applied to this job.' }),
    boardId: t.id({ description: 'Candidates who applied through this board.' }),
    search: t.string({ description: 'Part of the name or e-mail address, case-insensitive.' }),
  }),
});

builder.queryFields((t) => ({
  candidates: t.prismaConnection({
    type: 'Candidate',
    cursor: 'id',
    description: "The organisation's candidates, newest first.",
    args: { filter: t.arg({ type: CandidateFilter }) },
    resolve: (query, _root, args, context) => {
      const wanted = args.filter;
      const where: Prisma.CandidateWhereInput = { organizationId: viewerOf(context).organizationId };
      if (wanted?.jobId || wanted?.boardId) {
        where.applications = {
          some: {
            ...(wanted.jobId ? { jobId: wanted.jobId.id } : {}),
            ...(wanted.boardId ? { boardId: String(wanted.boardId) } : {}),
          },
        };
      }
      if (wanted?.search) {
        where.OR = [
          { name: { contains: wanted.search, mode: 'insensitive' } },
          { email: { contains: wanted.search, mode: 'insensitive' } },
        ];
      }
      return context.prisma.candidate.findMany({ ...query, where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },
  }),
  candidate: t.prismaField({
    type: 'Candidate',
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: [CandidateRef] }) },
    resolve: (query, _root, { id }, context) =>
      context.prisma.candidate.findFirst({ ...query, where: inOrganization(id.id, context) }),
  }),
  pendingCandidates: t.prismaConnection({
    type: 'Application',
    cursor: 'id',
    description:
      'The pending pool: applications no single job matched, oldest first, each with its candidate, reason and suggested jobs.',
    resolve: (query, _root, _args, context) =>
      context.prisma.application.findMany({
        ...query,
        where: { organizationId: viewerOf(context).organizationId, status: 'PENDING' },
        orderBy: [{ appliedAt: 'asc' }, { id: 'asc' }],
      }),
  }),
}));

builder.objectType(NotPending, {
  name: 'NotPending',
  description: 'The candidate has no application in the pending pool. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotPending,
  fields: (t) => ({ candidateId: t.id({ resolve: (error) => encodeGlobalID('Candidate', error.candidateId) }) }),
});

const DeletedCandidateRef = builder
  .objectRef<{ id: string; applications: number; documents: number }>('DeletedCandidate')
  .implement({
    fields: (t) => ({
      id: t.id({
        description: 'The global id the candidate had.',
        resolve: (deleted) => encodeGlobalID('Candidate', deleted.id),
      }),
      applications: t.exposeInt('applications', { description: 'Applications erased with the candidate.' }),
      documents: t.exposeInt('documents', { description: 'Documents erased with the candidate.' }),
    }),
  });

builder.mutationFields((t) => ({
  assignPendingCandidate: t.prismaField({
    type: 'Application',
    description: 'Moves a candidate out of the pending pool into the first stage of a job.',
    errors: { types: [NotFoundError, NotPending] },
    args: {
      candidateId: t.arg.globalID({ required: true, for: [CandidateRef] }),
      jobId: t.arg.globalID({ required: true, for: [JobRef] }),
    },
    resolve: async (query, _root, { candidateId, jobId }, context) => {
      const application = await assignPendingCandidate(
        context,
        viewerOf(context).organizationId,
        candidateId.id,
        jobId.id,
      );
      return context.prisma.application.findUniqueOrThrow({ ...query, where: { id: application.id } });
    },
  }),
  rejectPendingCandidate: t.prismaField({
    type: 'Candidate',
    description: 'Takes a candidate out of the pending pool without a job (their applications become REJECTED).',
    errors: { types: [NotFoundError, NotPending] },
    args: { candidateId: t.arg.globalID({ required: true, for: [CandidateRef] }) },
    resolve: async (query, _root, { candidateId }, context) => {
      const candidate = await rejectPendingCandidate(context, viewerOf(context).organizationId, candidateId.id);
      return context.prisma.candidate.findUniqueOrThrow({ ...query, where: { id: candidate.id } });
    },
  }),
  deleteCandidate: t.field({
    type: DeletedCandidateRef,
    description:
      'Erases a candidate (right to erasure): applications, documents and their personal data in received webhooks.',
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [CandidateRef] }) },
    resolve: (_root, { id }, context) => deleteCandidate(context, viewerOf(context).organizationId, id.id),
  }),
}));

const CandidateReceivedRef = builder.objectRef<CandidateReceived>('CandidateReceived').implement({
  fields: (t) => ({
    pending: t.boolean({
      description: 'True when it went to the pending pool.',
      resolve: (event) => event.jobId === null,
    }),
    application: t.prismaField({
      type: 'Application',
      resolve: (query, event, _args, context) =>
        context.prisma.application.findFirstOrThrow({ ...query, where: inOrganization(event.applicationId, context) }),
    }),
  }),
});

const CandidateEventFilter = builder.inputType('CandidateEventFilter', {
  fields: (t) => ({ jobId: t.globalID({ for: [JobRef] }), boardId: t.id() }),
});

builder.subscriptionField('candidateReceived', (t) =>
  t.field({
    type: CandidateReceivedRef,
    description:
      'Each new application from a board (and each one assigned out of the pending pool), published after it is committed.',
    args: { filter: t.arg({ type: CandidateEventFilter }) },
    subscribe: (_root, { filter: wanted }, context) =>
      pipe(
        context.topics.subscribe('candidate.received', viewerOf(context).organizationId),
        filter(
          (event: CandidateReceived) =>
            (!wanted?.jobId || wanted.jobId.id === event.jobId) &&
            (!wanted?.boardId || String(wanted.boardId) === event.boardId),
        ),
      ),
    resolve: (event) => event,
  }),
);

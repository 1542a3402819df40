import type { ScreeningQuestion } from '@multiposting/plugin-sdk';
import { questionsOf } from '../core/screening.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createJob, deleteJob, JobInUse, updateJob } from '../core/jobs.ts';
import { LIVE_STATUSES, withdrawJobEverywhere } from '../core/postings/postings.ts';
import { ErrorInterface } from './errors.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { JobStatus } from '../db/generated/prisma/enums.ts';
import { builder } from './builder.ts';
import { UserRef } from './users.ts';
import { viewerOf } from './context.ts';
import { inOrganization } from './tenancy.ts';

const JobStatusEnum = builder.enumType(JobStatus, { name: 'JobStatus' });
const EmploymentTypeEnum = builder.enumType('EmploymentType', {
  values: ['FULL_TIME', 'PART_TIME', 'TEMPORARY', 'INTERNSHIP', 'FREELANCE'] as const,
});
const SalaryPeriodEnum = builder.enumType('SalaryPeriod', { values: ['HOUR', 'MONTH', 'YEAR'] as const });

const LocationRef = builder
  .objectRef<{ city: string | null; region: string | null; countryCode: string | null; postalCode: string | null }>(
    'Location',
  )
  .implement({
    fields: (t) => ({
      city: t.exposeString('city', { nullable: true }),
      region: t.exposeString('region', { nullable: true }),
      countryCode: t.exposeString('countryCode', { nullable: true }),
      postalCode: t.exposeString('postalCode', { nullable: true }),
    }),
  });

const SalaryRef = builder
  .objectRef<{ min: string | null; max: string | null; currency: string; period: string }>('SalaryRange')
  .implement({
    fields: (t) => ({
      min: t.exposeString('min', { nullable: true, description: 'Decimal string.' }),
      max: t.exposeString('max', { nullable: true, description: 'Decimal string.' }),
      currency: t.exposeString('currency'),
      period: t.field({ type: SalaryPeriodEnum, resolve: (salary) => salary.period as 'YEAR' }),
    }),
  });

export const JobRef = builder.prismaNode('Job', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  description: 'A vacancy of the applicant tracking system; postings publish it on boards.',
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { description: 'Sanitised HTML.' }),
    location: t.field({
      type: LocationRef,
      resolve: (job) => ({
        city: job.city,
        region: job.region,
        countryCode: job.countryCode,
        postalCode: job.postalCode,
      }),
    }),
    employmentType: t.field({
      type: EmploymentTypeEnum,
      nullable: true,
      resolve: (job) => job.employmentType as 'FULL_TIME' | null,
    }),
    hoursPerWeek: t.float({
      nullable: true,
      resolve: (job) => (job.hoursPerWeek === null ? null : Number(job.hoursPerWeek)),
    }),
    salary: t.field({
      type: SalaryRef,
      nullable: true,
      resolve: (job) =>
        job.salaryCurrency
          ? {
              min: job.salaryMin?.toFixed(2) ?? null,
              max: job.salaryMax?.toFixed(2) ?? null,
              currency: job.salaryCurrency,
              period: job.salaryPeriod ?? 'YEAR',
            }
          : null,
    }),
    category: t.exposeString('category', { nullable: true }),
    applyUrl: t.exposeString('applyUrl', { nullable: true }),
    status: t.expose('status', { type: JobStatusEnum }),
    stages: t.exposeStringList('stages', {
      description: 'The pipeline, in order; candidates from boards land in the first stage.',
    }),
    onWebsite: t.exposeBoolean('onWebsite', {
      description: "Shown on the organisation's own careers site (feeds that mirror the site hold these open jobs).",
    }),
    questions: t.field({
      type: [ScreeningQuestionRef],
      description: 'Screening questions asked when applying.',
      resolve: (job) => questionsOf(job.questions),
    }),
    recruiter: t.relation('recruiter', {
      nullable: true,
      description: 'The recruiter in charge; boards that show a contact person show them.',
    }),
    postings: t.relatedConnection('postings', {
      cursor: 'id',
      query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const QuestionKindEnum = builder.enumType('ScreeningQuestionKind', {
  values: ['FREE_TEXT', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'YES_NO'] as const,
});

const ScreeningQuestionRef = builder.objectRef<ScreeningQuestion>('ScreeningQuestion').implement({
  description: 'A question asked when applying: on the hosted application page, and to boards that take questions.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Stable within the job: answers name it.' }),
    text: t.exposeString('text'),
    kind: t.field({ type: QuestionKindEnum, resolve: (question) => question.kind }),
    options: t.exposeStringList('options', { description: 'The choices of SINGLE_CHOICE and MULTIPLE_CHOICE.' }),
    required: t.exposeBoolean('required'),
    knockOutAnswer: t.exposeBoolean('knockOutAnswer', {
      nullable: true,
      description: 'YES_NO only: the answer that rules the candidate out (the application says knockedOut).',
    }),
  }),
});

const ScreeningQuestionInput = builder.inputType('ScreeningQuestionInput', {
  fields: (t) => ({
    id: t.string({ required: true, description: 'Lowercase letters, digits and hyphens, unique within the job.' }),
    text: t.string({ required: true }),
    kind: t.field({ type: QuestionKindEnum, required: true }),
    options: t.stringList({ description: 'SINGLE_CHOICE and MULTIPLE_CHOICE: at least two.' }),
    required: t.boolean({ description: 'Default: false.' }),
    knockOutAnswer: t.boolean({ description: 'YES_NO only: the answer that rules the candidate out.' }),
  }),
});

const LocationInput = builder.inputType('LocationInput', {
  fields: (t) => ({ city: t.string(), region: t.string(), countryCode: t.string(), postalCode: t.string() }),
});

const SalaryInput = builder.inputType('SalaryRangeInput', {
  fields: (t) => ({
    min: t.string({ description: 'Decimal string, e.g. "42000".' }),
    max: t.string(),
    currency: t.string({ required: true }),
    period: t.field({ type: SalaryPeriodEnum, required: true }),
  }),
});

const jobInputFields =
  (required: boolean) => (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
    title: t.string({ required }),
    description: t.string({ required, description: 'HTML; anything but basic formatting and links is removed.' }),
    location: t.field({ type: LocationInput }),
    employmentType: t.field({ type: EmploymentTypeEnum }),
    hoursPerWeek: t.float(),
    salary: t.field({ type: SalaryInput }),
    category: t.string(),
    applyUrl: t.string(),
    status: t.field({ type: JobStatusEnum }),
    stages: t.stringList({ description: 'Default: Applied, Screening, Interview, Offer, Hired.' }),
    questions: t.field({ type: [ScreeningQuestionInput], description: 'Screening questions (at most 20).' }),
    onWebsite: t.boolean({ description: "Shown on the organisation's own careers site. Default: false." }),
    recruiterId: t.globalID({
      for: [UserRef],
      description: 'The recruiter in charge; the creating user by default. Null: nobody.',
    }),
  });

const CreateJobInput = builder.inputType('CreateJobInput', { fields: jobInputFields(true) });
const UpdateJobInput = builder.inputType('UpdateJobInput', {
  description: 'Only the fields given change.',
  fields: jobInputFields(false),
});

const definedOnly = (input: object) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

/** The input with the recruiter's global id (decoded by the relay plugin) as the plain id; null stays null. */
const withRecruiterId = (input: { recruiterId?: { id: string } | null }) => {
  const defined = definedOnly(input);
  return 'recruiterId' in defined ? { ...defined, recruiterId: input.recruiterId?.id ?? null } : defined;
};

builder.queryFields((t) => ({
  jobs: t.prismaConnection({
    type: 'Job',
    cursor: 'id',
    args: { status: t.arg({ type: JobStatusEnum }) },
    resolve: (query, _root, args, context) =>
      context.prisma.job.findMany({
        ...query,
        where: { organizationId: viewerOf(context).organizationId, ...(args.status ? { status: args.status } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  job: t.prismaField({
    type: 'Job',
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: [JobRef] }) },
    resolve: (query, _root, { id }, context) =>
      context.prisma.job.findFirst({ ...query, where: inOrganization(id.id, context) }),
  }),
}));

builder.objectType(JobInUse, {
  name: 'JobInUse',
  description: 'The job has live postings. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof JobInUse,
  fields: (t) => ({ livePostings: t.exposeInt('livePostings') }),
});

const DeletedJobRef = builder.objectRef<{ id: string }>('DeletedJob').implement({
  fields: (t) => ({ id: t.exposeID('id', { description: 'The global id the job had.' }) }),
});

builder.mutationFields((t) => ({
  deleteJob: t.field({
    type: DeletedJobRef,
    description: 'Deletes a job without live postings, with the record of its past postings.',
    errors: { types: [NotFoundError, JobInUse] },
    args: { id: t.arg.globalID({ required: true, for: [JobRef] }) },
    resolve: async (_root, { id }, context) => {
      await deleteJob(context.prisma, viewerOf(context).organizationId, id.id, LIVE_STATUSES);
      return { id: encodeGlobalID('Job', id.id) };
    },
  }),
  createJob: t.prismaField({
    type: 'Job',
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const viewer = viewerOf(context);
      const job = await createJob(
        context.prisma,
        viewer.organizationId,
        withRecruiterId(input) as Parameters<typeof createJob>[2],
        viewer.userId,
      );
      return context.prisma.job.findUniqueOrThrow({ ...query, where: { id: job.id } });
    },
  }),
  updateJob: t.prismaField({
    type: 'Job',
    description:
      'Changes a job. Closing it (status CLOSED) closes it everywhere: each live posting is withdrawn from its board (a publication not sent yet is cancelled, a feed drops it), each outcome on the posting.',
    errors: { types: [ValidationError, NotFoundError] },
    args: {
      id: t.arg.globalID({ required: true, for: [JobRef] }),
      input: t.arg({ type: UpdateJobInput, required: true }),
    },
    resolve: async (query, _root, { id, input }, context) => {
      const viewer = viewerOf(context);
      const { job, closed } = await updateJob(context.prisma, viewer.organizationId, id.id, withRecruiterId(input));
      // A job closed is closed everywhere: its live postings are withdrawn from every board.
      if (closed) await withdrawJobEverywhere(context, viewer, job.id);
      return context.prisma.job.findUniqueOrThrow({ ...query, where: { id: job.id } });
    },
  }),
}));

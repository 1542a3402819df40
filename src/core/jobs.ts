import sanitizeHtml from 'sanitize-html';
import { z } from 'zod';
import { questionsSchema } from './screening.ts';
import type { PrismaClient } from '../db/database.ts';
import type { Job } from '../db/generated/prisma/client.ts';
import type { PostingJob } from '@multiposting/plugin-sdk';
import { currencyCode, decimalAmount, isCountryCode } from './codes.ts';
import { DomainError, NotFoundError, parseInput, ValidationError } from './errors.ts';
import { rowId } from './ids.ts';

export const DEFAULT_STAGES = ['Applied', 'Screening', 'Interview', 'Offer', 'Hired'];

/** Job descriptions keep structure and links, nothing that runs or styles. */
export function sanitizeDescription(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'h2', 'h3', 'h4', 'blockquote', 'a'],
    allowedAttributes: { a: ['href', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
  }).trim();
}

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const amount = decimalAmount('must be a non-negative amount with at most 2 decimals');

const jobFields = {
  title: text(200),
  description: z
    .string()
    .max(100_000, 'must be at most 100000 characters')
    .transform(sanitizeDescription)
    .refine((html) => html.replace(/<[^>]*>/g, '').trim().length > 0, 'must contain text'),
  location: z
    .object({
      city: text(100).nullish(),
      region: text(100).nullish(),
      countryCode: z
        .string()
        .transform((code) => code.toUpperCase())
        .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code')
        .nullish(),
      postalCode: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9 -]{2,10}$/, 'must be a postal code')
        .nullish(),
    })
    .nullish(),
  employmentType: z.enum(['FULL_TIME', 'PART_TIME', 'TEMPORARY', 'INTERNSHIP', 'FREELANCE']).nullish(),
  hoursPerWeek: z.number().positive('must be positive').max(80, 'must be at most 80').nullish(),
  salary: z
    .object({
      min: amount.nullish(),
      max: amount.nullish(),
      currency: currencyCode('must be an ISO 4217 currency code'),
      period: z.enum(['HOUR', 'MONTH', 'YEAR']),
    })
    .refine((salary) => salary.min != null || salary.max != null, {
      message: 'needs a minimum or a maximum',
      path: ['min'],
    })
    .refine((salary) => salary.min == null || salary.max == null || Number(salary.min) <= Number(salary.max), {
      message: 'must not be above the maximum',
      path: ['min'],
    })
    .nullish(),
  category: text(100).nullish(),
  applyUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .nullish(),
  status: z.enum(['OPEN', 'CLOSED']).nullish(),
  onWebsite: z.boolean().nullish(),
  recruiterId: z.string().nullish(),
  stages: z
    .array(text(60))
    .min(1, 'must name at least one stage')
    .max(20)
    .refine(
      (stages) => new Set(stages.map((stage) => stage.toLowerCase())).size === stages.length,
      'must not repeat a stage',
    )
    .nullish(),
  questions: questionsSchema.nullish(),
};

export type JobInput = z.input<z.ZodObject<typeof jobFields>>;

function columns(input: z.infer<z.ZodObject<typeof jobFields>>, provided: Record<string, unknown>) {
  const data: Record<string, unknown> = {};
  if ('title' in provided) data.title = input.title;
  if ('description' in provided) data.description = input.description;
  if ('location' in provided) {
    data.city = input.location?.city ?? null;
    data.region = input.location?.region ?? null;
    data.countryCode = input.location?.countryCode ?? null;
    data.postalCode = input.location?.postalCode ?? null;
  }
  if ('employmentType' in provided) data.employmentType = input.employmentType ?? null;
  if ('hoursPerWeek' in provided) data.hoursPerWeek = input.hoursPerWeek ?? null;
  if ('salary' in provided) {
    data.salaryMin = input.salary?.min ?? null;
    data.salaryMax = input.salary?.max ?? null;
    data.salaryCurrency = input.salary?.currency ?? null;
    data.salaryPeriod = input.salary?.period ?? null;
  }
  if ('category' in provided) data.category = input.category ?? null;
  if ('applyUrl' in provided) data.applyUrl = input.applyUrl ?? null;
  if ('status' in provided && input.status) data.status = input.status;
  if ('stages' in provided && input.stages) data.stages = input.stages;
  if ('questions' in provided) data.questions = input.questions ?? [];
  if ('onWebsite' in provided && typeof input.onWebsite === 'boolean') data.onWebsite = input.onWebsite;
  if ('recruiterId' in provided) data.recruiterId = input.recruiterId ?? null;
  return data;
}

/** The recruiter must be a user of the job's organisation. */
async function checkRecruiter(
  prisma: PrismaClient,
  organizationId: string,
  recruiterId: string | null | undefined,
): Promise<void> {
  if (!recruiterId) return;
  const user = await prisma.user.findFirst({ where: { id: rowId(recruiterId), organizationId }, select: { id: true } });
  if (!user)
    throw new ValidationError([{ path: ['input', 'recruiterId'], message: 'is not a user of this organisation' }]);
}

/** Creates a job; its recruiter is `recruiterId` when given, else the user creating it. */
export async function createJob(
  prisma: PrismaClient,
  organizationId: string,
  input: JobInput,
  creatorId?: string,
): Promise<Job> {
  const parsed = parseInput(z.object(jobFields), input);
  await checkRecruiter(prisma, organizationId, parsed.recruiterId);
  return prisma.job.create({
    data: {
      ...(columns(parsed, input) as { title: string; description: string }),
      stages: parsed.stages ?? DEFAULT_STAGES,
      organizationId,
      recruiterId: 'recruiterId' in input ? (parsed.recruiterId ?? null) : (creatorId ?? null),
    },
  });
}

/** Changes a job; `closed` says whether this change closed it (its postings are then withdrawn by the caller). */
export async function updateJob(
  prisma: PrismaClient,
  organizationId: string,
  jobId: string,
  input: Partial<JobInput>,
): Promise<{ job: Job; closed: boolean }> {
  const job = await prisma.job.findFirst({ where: { id: rowId(jobId), organizationId } });
  if (!job) throw new NotFoundError('job', jobId);
  const parsed = parseInput(z.object(jobFields).partial(), input);
  await checkRecruiter(prisma, organizationId, parsed.recruiterId);
  const updated = await prisma.job.update({
    where: { id: job.id },
    data: columns(parsed as z.infer<z.ZodObject<typeof jobFields>>, input),
  });
  return { job: updated, closed: job.status === 'OPEN' && updated.status === 'CLOSED' };
}

/** Deletes a job and the record of its past postings; refused while it has a live posting (withdraw it first). */
export async function deleteJob(
  prisma: PrismaClient,
  organizationId: string,
  jobId: string,
  liveStatuses: readonly string[],
): Promise<Job> {
  const job = await prisma.job.findFirst({ where: { id: rowId(jobId), organizationId } });
  if (!job) throw new NotFoundError('job', jobId);
  const live = await prisma.posting.count({ where: { jobId: job.id, status: { in: liveStatuses as never } } });
  if (live > 0) throw new JobInUse(live);
  return prisma.job.delete({ where: { id: job.id } });
}

export class JobInUse extends DomainError {
  override name = 'JobInUse';
  constructor(readonly livePostings: number) {
    super(`The job has ${livePostings} live posting(s): withdraw them before deleting it, or close the job.`);
  }
}

/** The columns of a job that board plugins see. */
export type PostingJobColumns = Pick<
  Job,
  | 'id'
  | 'title'
  | 'description'
  | 'city'
  | 'region'
  | 'countryCode'
  | 'postalCode'
  | 'employmentType'
  | 'hoursPerWeek'
  | 'salaryMin'
  | 'salaryMax'
  | 'salaryCurrency'
  | 'salaryPeriod'
  | 'category'
  | 'applyUrl'
>;

/** The job as board plugins see it. */
export function postingJob(job: PostingJobColumns): PostingJob {
  return {
    id: job.id,
    title: job.title,
    description: job.description,
    location: { city: job.city, region: job.region, countryCode: job.countryCode, postalCode: job.postalCode },
    employmentType: job.employmentType,
    hoursPerWeek: job.hoursPerWeek === null ? null : Number(job.hoursPerWeek),
    salary: job.salaryCurrency
      ? {
          min: job.salaryMin === null ? null : Number(job.salaryMin),
          max: job.salaryMax === null ? null : Number(job.salaryMax),
          currency: job.salaryCurrency,
          period: job.salaryPeriod ?? 'YEAR',
        }
      : null,
    category: job.category,
    applyUrl: job.applyUrl,
  };
}

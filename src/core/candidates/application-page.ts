import { z } from 'zod';
import type { ScreeningQuestion } from '@multiposting/plugin-sdk';
import type { Job } from '../../db/generated/prisma/client.ts';
import { questionsOf, type StoredAnswer } from '../screening.ts';
import type { Topics } from '../topics.ts';
import { effectiveStatus } from '../contracts/contracts.ts';
import { feedSourceOf } from '../postings/board-state.ts';
import type { FeedDeps } from '../feeds/open.ts';
import { rowId } from '../ids.ts';
import { storeInInbox } from '../webhooks/receive.ts';

/** A job as its hosted application page shows it. */
export interface ApplicationPage {
  organizationId: string;
  organizationName: string;
  contractId: string;
  boardId: string;
  job: Pick<
    Job,
    | 'id'
    | 'title'
    | 'description'
    | 'city'
    | 'region'
    | 'postalCode'
    | 'countryCode'
    | 'employmentType'
    | 'salaryMin'
    | 'salaryMax'
    | 'salaryCurrency'
    | 'salaryPeriod'
    | 'createdAt'
  >;
  /** When the job went into the feed (the posting's publication, or the job's creation on the website). */
  postedAt: Date;
  /** When it leaves the feed, if that is scheduled. */
  closesAt: Date | null;
  /** The posting the page belongs to (feeds of postings); null for a job shown on the website. */
  postingId: string | null;
  /** The job's screening questions, asked on the page. */
  questions: ScreeningQuestion[];
}

/**
 * The page of a job published through a feed board's contract: the contract ACTIVE and the job in its feed (an
 * open job shown on the website in the website mode, a published posting otherwise). Null otherwise: the page is
 * gone.
 */
export async function findApplicationPage(
  deps: FeedDeps,
  contractId: string,
  jobId: string,
): Promise<ApplicationPage | null> {
  const contract = await deps.prisma.contract.findUnique({
    where: { id: rowId(contractId) },
    include: { organization: { select: { name: true } } },
  });
  const plugin = contract && deps.boards.get(contract.boardId);
  if (!contract || !plugin?.renderFeed || !contract.feedTokenHash || effectiveStatus(contract) !== 'ACTIVE')
    return null;
  const job = await deps.prisma.job.findFirst({
    where: { id: rowId(jobId), organizationId: contract.organizationId, status: 'OPEN' },
  });
  if (!job) return null;
  // In the feed as the contract's publication mode says: the website's open jobs, or its published postings.
  const website = (await feedSourceOf(deps, plugin, contract)) === 'website';
  const posting = website
    ? null
    : await deps.prisma.posting.findFirst({
        where: { jobId: job.id, contractId: contract.id, status: 'PUBLISHED' },
        select: {
          id: true,
          closeAt: true,
          events: { where: { toStatus: 'PUBLISHED' }, orderBy: { createdAt: 'asc' }, take: 1 },
        },
      });
  if (website ? !job.onWebsite : !posting) return null;
  return {
    organizationId: contract.organizationId,
    organizationName: contract.organization.name,
    contractId: contract.id,
    boardId: contract.boardId,
    job,
    postedAt: posting?.events[0]?.createdAt ?? job.createdAt,
    closesAt: posting?.closeAt ?? null,
    postingId: posting?.id ?? null,
    questions: questionsOf(job.questions),
  };
}

/** Counts a view of the page of a posting (per UTC day), for analytics. */
export async function countView(deps: Pick<FeedDeps, 'prisma'>, page: ApplicationPage): Promise<void> {
  if (!page.postingId) return;
  await deps.prisma.$executeRaw`
    INSERT INTO posting_view (posting_id, day, views) VALUES (${page.postingId}::uuid, (now() AT TIME ZONE 'UTC')::date, 1)
    ON CONFLICT (posting_id, day) DO UPDATE SET views = posting_view.views + 1`;
}

export const applicationFormSchema = z.object({
  /** Made when the form is shown: submitting the same form twice is one application. */
  submissionId: z.uuid('the form is invalid; reload the page'),
  name: z.string().trim().min(1, 'Please enter your name.').max(300, 'Your name is too long.'),
  email: z.email('Please enter a valid e-mail address.').max(254),
  phone: z
    .string()
    .trim()
    .max(50, 'The phone number is too long.')
    .optional()
    .transform((value) => value || undefined),
  consent: z.literal('yes', 'Please agree to your application being passed on.'),
});

export interface ApplicationForm {
  fields: z.output<typeof applicationFormSchema>;
  /** The answers to the job's screening questions, checked (checkAnswers). */
  answers?: StoredAnswer[];
  cv?: { fileName: string; contentType: string; bytes: Buffer };
}

/**
 * Puts an application made on the hosted page in the inbox, as a board's would be: the workers create the candidate
 * in the first stage of the job (the CV checked like any other). False when this form was already submitted.
 */
export async function submitApplication(
  deps: FeedDeps & { topics: Topics },
  page: ApplicationPage,
  form: ApplicationForm,
  now = new Date(),
): Promise<boolean> {
  const { fields, cv, answers } = form;
  return storeInInbox(deps, {
    organizationId: page.organizationId,
    contractId: page.contractId,
    boardId: page.boardId,
    deliveryId: `application-page:${fields.submissionId}`,
    events: [
      {
        type: 'candidate.applied',
        applicationId: `application-page:${fields.submissionId}`,
        ...(page.postingId ? { postingId: page.postingId } : {}),
        jobId: page.job.id,
        jobTitle: page.job.title,
        appliedAt: now.toISOString(),
        ...(answers?.length
          ? { answers: answers.map(({ questionId, ...rest }) => ({ ...rest, ...(questionId ? { questionId } : {}) })) }
          : {}),
        candidate: {
          name: fields.name,
          email: fields.email.toLowerCase(),
          ...(fields.phone ? { phone: fields.phone } : {}),
          consentAt: now.toISOString(),
        },
        ...(cv
          ? {
              document: {
                fileName: cv.fileName,
                contentType: cv.contentType,
                contentBase64: cv.bytes.toString('base64'),
              },
            }
          : {}),
      },
    ],
  });
}

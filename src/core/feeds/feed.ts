import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/database.ts';
import { Prisma, type Contract } from '../../db/generated/prisma/client.ts';
import type { FeedItem, FeedSource } from '@multiposting/plugin-sdk';
import { type PostingJobColumns, postingJob } from '../jobs.ts';

/** Publications read per query while a feed streams: memory stays flat however long the feed is. */
const BATCH_SIZE = 500;

/** A publication as one query reads it: the job's columns (named as the model's fields) and its recruiter. */
type FeedRow = PostingJobColumns & {
  publicationId: string;
  boardFields: Prisma.JsonValue | null;
  publishedAt: Date;
  updatedAt: Date;
  jobCreatedAt: Date;
  jobUpdatedAt: Date;
  recruiterId: string | null;
  recruiterName: string | null;
  recruiterEmail: string | null;
};

export interface FeedScope {
  contract: Pick<Contract, 'id' | 'organizationId' | 'boardId'>;
  source: FeedSource;
  /** False for a contract that is not ACTIVE (expired, suspended…): its feed is served empty. */
  active: boolean;
  /** The hosted application page of a job. */
  applicationPageUrl(jobId: string): string;
  today: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Whether a published posting is still on the board today (its end date, when it has one, not passed). */
const current = (boardFields: Prisma.JsonValue | null, today: string) => {
  const endDate = (boardFields as { endDate?: unknown } | null)?.endDate;
  return typeof endDate !== 'string' || endDate >= today;
};

function item(scope: FeedScope, row: FeedRow): FeedItem {
  return {
    id: row.publicationId,
    job: { ...postingJob(row), createdAt: row.jobCreatedAt, updatedAt: row.jobUpdatedAt },
    boardFields: row.boardFields as Record<string, unknown> | null,
    publishedAt: row.publishedAt,
    updatedAt: row.updatedAt,
    recruiter: row.recruiterId ? { id: row.recruiterId, name: row.recruiterName!, email: row.recruiterEmail! } : null,
    applicationPageUrl: scope.applicationPageUrl(row.id),
  };
}

/** The feed's publications in id order, read in batches (keyset pagination, no offset). */
export async function* feedItems(prisma: PrismaClient, scope: FeedScope): AsyncIterable<FeedItem> {
  if (!scope.active) return;
  // The next batch is read while this one is rendered: the database and the renderer work at the same time.
  let next = feedBatch(prisma, scope, undefined);
  try {
    for (;;) {
      const rows = await next;
      const last = rows.at(-1)?.publicationId;
      if (last) next = feedBatch(prisma, scope, last);
      for (const row of rows) if (current(row.boardFields, scope.today)) yield item(scope, row);
      if (!last) return;
    }
  } finally {
    // A reader that stops early (the board hung up) leaves the read ahead unawaited: its failure is nobody's.
    next.catch(() => undefined);
  }
}

/**
 * The job's columns under the model's field names, and its recruiter. One hand-written query per batch: Prisma's
 * findMany with its includes took about three times as long to read the same rows.
 */
const JOB_COLUMNS = Prisma.sql`j.id, j.title, j.description, j.city, j.region, j.country_code AS "countryCode",
  j.postal_code AS "postalCode", j.employment_type AS "employmentType", j.hours_per_week AS "hoursPerWeek",
  j.salary_min AS "salaryMin", j.salary_max AS "salaryMax", j.salary_currency AS "salaryCurrency",
  j.salary_period AS "salaryPeriod", j.category, j.apply_url AS "applyUrl", j.created_at AS "jobCreatedAt",
  j.updated_at AS "jobUpdatedAt", u.id AS "recruiterId", u.name AS "recruiterName", u.email AS "recruiterEmail"`;

/** The publications after `after` (one batch, in id order). */
function feedBatch(prisma: PrismaClient, scope: FeedScope, after: string | undefined): Promise<FeedRow[]> {
  if (scope.source === 'postings')
    return prisma.$queryRaw<FeedRow[]>`
      SELECT p.id AS "publicationId", p.board_fields AS "boardFields", p.created_at AS "publishedAt",
             greatest(p.updated_at, j.updated_at) AS "updatedAt", ${JOB_COLUMNS}
      FROM posting p JOIN job j ON j.id = p.job_id LEFT JOIN "user" u ON u.id = j.recruiter_id
      WHERE p.contract_id = ${scope.contract.id}::uuid AND p.status = 'PUBLISHED'
        ${after ? Prisma.sql`AND p.id > ${after}::uuid` : Prisma.empty}
      ORDER BY p.id LIMIT ${BATCH_SIZE}`;
  return prisma.$queryRaw<FeedRow[]>`
    SELECT j.id AS "publicationId", NULL::jsonb AS "boardFields", j.created_at AS "publishedAt",
           j.updated_at AS "updatedAt", ${JOB_COLUMNS}
    FROM job j LEFT JOIN "user" u ON u.id = j.recruiter_id
    WHERE j.organization_id = ${scope.contract.organizationId}::uuid AND j.on_website AND j.status = 'OPEN'
      ${after ? Prisma.sql`AND j.id > ${after}::uuid` : Prisma.empty}
    ORDER BY j.id LIMIT ${BATCH_SIZE}`;
}

/**
 * What the feed's content depends on, summed up in one query: the publications (also those that left the feed:
 * a closed job or a withdrawn posting counts through its updated_at), the contract's settings, and the plugin's
 * state (e.g. the recruiters' board e-mails). Any change gives another entity tag.
 */
export async function feedVersion(prisma: PrismaClient, scope: FeedScope): Promise<string> {
  const { id, organizationId, boardId } = scope.contract;
  const publications =
    scope.source === 'postings'
      ? Prisma.sql`SELECT concat_ws('|', count(*), count(*) FILTER (WHERE p.status = 'PUBLISHED'), max(p.updated_at), max(j.updated_at))
                   FROM posting p JOIN job j ON j.id = p.job_id WHERE p.contract_id = ${id}::uuid`
      : Prisma.sql`SELECT concat_ws('|', count(*), count(*) FILTER (WHERE on_website AND status = 'OPEN'), max(updated_at))
                   FROM job WHERE organization_id = ${organizationId}::uuid`;
  const [row] = await prisma.$queryRaw<{ version: string }[]>`
    SELECT concat_ws('|', (${publications}),
           (SELECT concat(count(*), max(updated_at)) FROM contract_credential WHERE contract_id = ${id}::uuid),
           (SELECT concat(count(*), max(updated_at)) FROM plugin_state WHERE organization_id = ${organizationId}::uuid AND plugin_id = ${boardId}),
           (SELECT concat(count(*), max(u.created_at), md5(string_agg(u.name, ',' ORDER BY u.id))) FROM "user" u WHERE u.organization_id = ${organizationId}::uuid)) AS version`;
  const material = [scope.source, scope.active, scope.today, scope.applicationPageUrl(''), row?.version ?? ''].join(
    '\n',
  );
  return createHash('sha256').update(material).digest('base64url').slice(0, 32);
}

/**
 * The feed's entity tag and when it last changed. The time is kept with the contract, so Last-Modified moves
 * also when a publication leaves the feed (which no remaining row's timestamp would show).
 */
export async function feedValidators(
  prisma: PrismaClient,
  scope: FeedScope,
  stored: { feedEtag: string | null; feedChangedAt: Date | null },
  now = new Date(),
) {
  const etag = await feedVersion(prisma, scope);
  if (stored.feedEtag === etag && stored.feedChangedAt) return { etag, lastModified: stored.feedChangedAt };
  // Raw SQL: the contract's own updated_at must not move (its settings' changes are part of the tag).
  await prisma.$executeRaw`UPDATE contract SET feed_etag = ${etag}, feed_changed_at = ${now} WHERE id = ${scope.contract.id}::uuid`;
  return { etag, lastModified: now };
}

export const todayOf = isoDay;

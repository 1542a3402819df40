import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/database.ts';
import { Prisma, type Contract, type Job } from '../../db/generated/prisma/client.ts';
import type { FeedItem, FeedSource } from '@multiposting/plugin-sdk';
import { postingJob } from '../jobs.ts';

/** Publications read per query while a feed streams: memory stays flat however long the feed is. */
const BATCH_SIZE = 500;

const recruiterSelect = { select: { id: true, name: true, email: true } } as const;
type JobWithRecruiter = Job & { recruiter: { id: string; name: string; email: string } | null };

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
const current = (boardFields: Prisma.JsonValue, today: string) => {
  const endDate = (boardFields as { endDate?: unknown } | null)?.endDate;
  return typeof endDate !== 'string' || endDate >= today;
};

function item(
  scope: FeedScope,
  id: string,
  job: JobWithRecruiter,
  boardFields: Record<string, unknown> | null,
  publishedAt: Date,
  updatedAt: Date,
): FeedItem {
  return {
    id,
    job: { ...postingJob(job), createdAt: job.createdAt, updatedAt: job.updatedAt },
    boardFields,
    publishedAt,
    updatedAt,
    recruiter: job.recruiter,
    applicationPageUrl: scope.applicationPageUrl(job.id),
  };
}

/** The feed's publications in id order, read in batches (keyset pagination, no offset). */
export async function* feedItems(prisma: PrismaClient, scope: FeedScope): AsyncIterable<FeedItem> {
  if (!scope.active) return;
  let after: string | undefined;
  for (;;) {
    const idAfter = after ? { gt: after } : undefined;
    let batch: FeedItem[];
    let last: string | undefined;
    if (scope.source === 'postings') {
      const rows = await prisma.posting.findMany({
        where: { contractId: scope.contract.id, status: 'PUBLISHED', id: idAfter },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        include: { job: { include: { recruiter: recruiterSelect } } },
      });
      last = rows.at(-1)?.id;
      batch = rows
        .filter((row) => current(row.boardFields, scope.today))
        .map((row) => {
          // biome-ignore lint/complexity/useMathMinMax: these are Dates; Math.max would make a number of them.
          const updatedAt = row.updatedAt > row.job.updatedAt ? row.updatedAt : row.job.updatedAt;
          return item(scope, row.id, row.job, row.boardFields as Record<string, unknown>, row.createdAt, updatedAt);
        });
    } else {
      const rows = await prisma.job.findMany({
        where: { organizationId: scope.contract.organizationId, onWebsite: true, status: 'OPEN', id: idAfter },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
        include: { recruiter: recruiterSelect },
      });
      last = rows.at(-1)?.id;
      batch = rows.map((job) => item(scope, job.id, job, null, job.createdAt, job.updatedAt));
    }
    yield* batch;
    if (!last) return;
    after = last;
  }
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

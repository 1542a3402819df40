import type { Prisma } from '../../db/generated/prisma/client.ts';
import { normalizeJobTitle } from '../text.ts';

export type JobMatch = { jobId: string } | { pending: { reason: string; suggestedJobIds: string[] } };

const MAX_SUGGESTIONS = 5;

function words(title: string): Set<string> {
  return new Set(title.split(' ').filter(Boolean));
}

/** Share of words two normalised titles have in common (Jaccard index). */
function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared || 1);
}

/**
 * Finds the organisation's open job a board's job title names: exactly one with the same normalised title is a
 * match; none or several send the candidate to the pending pool with the reason and the likeliest jobs.
 */
export async function matchJobByTitle(
  tx: Prisma.TransactionClient,
  organizationId: string,
  title: string | undefined,
): Promise<JobMatch> {
  if (!title) return { pending: { reason: 'The board named neither a posting nor a job title.', suggestedJobIds: [] } };
  const wanted = normalizeJobTitle(title);
  const jobs = await tx.job.findMany({
    where: { organizationId, status: 'OPEN' },
    select: { id: true, title: true },
    orderBy: { createdAt: 'desc' },
  });
  const same = jobs.filter((job) => normalizeJobTitle(job.title) === wanted);
  if (same.length === 1) return { jobId: same[0]!.id };
  if (same.length > 1) {
    return {
      pending: {
        reason: `${same.length} open jobs are titled "${title}".`,
        suggestedJobIds: same.slice(0, MAX_SUGGESTIONS).map((job) => job.id),
      },
    };
  }
  const wantedWords = words(wanted);
  const suggested = jobs
    .map((job) => ({ id: job.id, score: similarity(wantedWords, words(normalizeJobTitle(job.title))) }))
    .filter((job) => job.score >= 0.34)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SUGGESTIONS)
    .map((job) => job.id);
  return { pending: { reason: `No open job is titled "${title}".`, suggestedJobIds: suggested } };
}

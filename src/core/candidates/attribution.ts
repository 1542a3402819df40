import { z } from 'zod';
import type { Viewer } from '../auth/viewer.ts';
import { NotFoundError, parseInput } from '../errors.ts';
import type { Services } from '../services.ts';
import { storeInInbox } from '../webhooks/receive.ts';

/**
 * An apply link handed to a board, tagged with where an application made through it comes from: `source` (the
 * board) and `posting` (the posting's id). The hosted application page knows its posting already; the
 * organisation's own site reads `posting` from the link and reports the application with `recordApplication`.
 */
export function attributedLink(link: string, boardId: string, postingId: string): string {
  try {
    const url = new URL(link);
    url.searchParams.set('source', boardId);
    url.searchParams.set('posting', postingId);
    return url.toString();
  } catch {
    // Not a URL the board could follow either: handed on as it is.
    return link;
  }
}

export const ownSiteApplicationSchema = z.object({
  posting: z.uuid('must be the posting value of the apply link'),
  applicationId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  candidate: z.object({
    name: z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters'),
    email: z.email('must be an e-mail address').max(254).optional(),
    phone: z.string().trim().max(50, 'must be at most 50 characters').optional(),
  }),
  appliedAt: z.date().optional(),
});

/**
 * An application made on the organisation's own site through an apply link of ours, reported with the link's
 * `posting`: it enters the inbox like a board's (once per `applicationId`) and arrives as a candidate of that
 * posting's job, attributed to the posting and its board. False when it was reported before.
 */
export async function recordOwnSiteApplication(
  deps: Pick<Services, 'prisma' | 'topics'>,
  viewer: Viewer,
  input: z.input<typeof ownSiteApplicationSchema>,
): Promise<{ stored: boolean; postingId: string }> {
  const { posting: postingId, applicationId, candidate, appliedAt } = parseInput(ownSiteApplicationSchema, input);
  const posting = await deps.prisma.posting.findFirst({
    where: { id: postingId, organizationId: viewer.organizationId },
    select: { id: true, contractId: true, boardId: true, jobId: true },
  });
  if (!posting) throw new NotFoundError('posting', postingId);
  const stored = await storeInInbox(deps, {
    organizationId: viewer.organizationId,
    contractId: posting.contractId,
    boardId: posting.boardId,
    deliveryId: `own-site:${applicationId}`,
    events: [
      {
        type: 'candidate.applied',
        applicationId: `own-site:${applicationId}`,
        postingId: posting.id,
        jobId: posting.jobId,
        appliedAt: (appliedAt ?? new Date()).toISOString(),
        candidate: {
          name: candidate.name,
          ...(candidate.email ? { email: candidate.email.toLowerCase() } : {}),
          ...(candidate.phone ? { phone: candidate.phone } : {}),
        },
      },
    ],
  });
  return { stored, postingId: posting.id };
}

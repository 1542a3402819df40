import type { PostingJob } from './types.ts';

/**
 * Which publications a feed board's feed holds: `postings`, the contract's published postings (each with its
 * board fields); `website`, the organisation's open jobs shown on its own careers site (no postings needed).
 */
export type FeedSource = 'postings' | 'website';

/** One publication in a pull feed, as the core reads it for the plugin's renderFeed. */
export interface FeedItem {
  /** Stable id of the publication: the posting's id (source `postings`) or the job's (source `website`). */
  id: string;
  job: PostingJob & { createdAt: Date; updatedAt: Date };
  /** The posting's board fields (source `postings`); null for source `website`. */
  boardFields: Record<string, unknown> | null;
  publishedAt: Date;
  updatedAt: Date;
  /** The job's recruiter, when it has one. */
  recruiter: { id: string; name: string; email: string } | null;
  /** The application page the server hosts for this publication; applications there arrive as candidates. */
  applicationPageUrl: string;
}

import { z } from 'zod';
import { candidateAppliedSchema, postingClosedSchema, postingReviewedSchema } from '@multiposting/plugin-sdk/host';

/**
 * What the inbox holds: the plugins' events (`webhookEventSchema` of the SDK), and applications made on the
 * application page this server hosts or reported by the organisation's own site, which name their job (`jobId`)
 * and the posting whose apply link the candidate followed (`postingId`) directly; a plugin cannot, its events lose
 * unknown keys.
 */
export const inboxEventSchema = z.discriminatedUnion('type', [
  postingReviewedSchema,
  postingClosedSchema,
  candidateAppliedSchema.extend({ jobId: z.uuid().optional(), postingId: z.uuid().optional() }),
]);

export type InboxEvent = z.infer<typeof inboxEventSchema>;
/** An event as written to the inbox (the workers parse it again when they apply it). */
export type InboxEventInput = z.input<typeof inboxEventSchema>;
type Applied = Extract<InboxEvent, { type: 'candidate.applied' }>;
/** An event as kept once applied: with the candidate it concerns, and a document's bytes replaced by where they went. */
export type StoredInboxEvent =
  | Exclude<InboxEvent, Applied>
  | (Omit<Applied, 'document' | 'documentDownload'> & {
      candidateId?: string;
      document?: { documentId?: string; fileName?: string; rejected?: string };
      /** The link is not kept (it may let anyone fetch the CV): only that a download was queued. */
      documentDownload?: { queued: boolean };
    });

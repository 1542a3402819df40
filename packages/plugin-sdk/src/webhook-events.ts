import { z } from 'zod';
import { isCountryCode } from './countries.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => value || undefined);
const isoDate = z.iso.datetime({ offset: true });

const emailAddress = z.email();
/** An e-mail address the board sent, lower-cased; one that is not an address at all counts as none. */
const email = z
  .string()
  .trim()
  .max(320)
  .optional()
  .transform((value) => (value && emailAddress.safeParse(value).success ? value.toLowerCase() : undefined));

/** Only http(s) links are kept: a profile URL is shown to recruiters as a link. */
const link = z
  .string()
  .trim()
  .max(2000)
  .optional()
  .transform((value) => (value && /^https?:\/\/\S+$/i.test(value) ? value : undefined));

export const postingReviewedSchema = z.object({
  type: z.literal('posting.reviewed'),
  externalId: text(200),
  approved: z.boolean(),
  reason: optionalText(2000),
});
export const postingClosedSchema = z.object({
  type: z.literal('posting.closed'),
  externalId: text(200),
  reason: optionalText(2000),
});
export const candidateAppliedSchema = z.object({
  type: z.literal('candidate.applied'),
  applicationId: text(200),
  externalPostingId: optionalText(200),
  jobTitle: optionalText(300),
  appliedAt: isoDate.optional(),
  candidate: z.object({
    name: text(300),
    email,
    phone: optionalText(50),
    city: optionalText(200),
    countryCode: z
      .string()
      .transform((code) => code.toUpperCase())
      .refine(isCountryCode)
      .optional()
      .catch(undefined),
    profileUrl: link,
    consentAt: isoDate.optional().catch(undefined),
  }),
  document: z.object({ fileName: text(255), contentType: text(200), contentBase64: z.base64() }).optional(),
  /** The candidate's answers to the job's screening questions, for a board that takes them (`questions`). */
  answers: z
    .array(
      z.object({
        questionId: optionalText(100),
        question: text(500),
        answer: z.union([text(2000), z.array(text(500)).max(50), z.boolean()]),
      }),
    )
    .max(50)
    .optional(),
  /**
   * A CV the board serves behind a link (often a one-time link) instead of in the delivery: the core's worker
   * downloads it, retrying, and attaches it to the candidate, who arrives at once without waiting for it.
   */
  documentDownload: z
    .object({
      url: z
        .string()
        .trim()
        .max(4000)
        .regex(/^https?:\/\/\S+$/i, 'must be an http(s) link'),
      fileName: optionalText(255),
    })
    .optional(),
});

/**
 * The normalised events a plugin's handleWebhook returns, checked by the core before they enter the inbox
 * (a plugin is external code too).
 */
export const webhookEventSchema = z.discriminatedUnion('type', [
  postingReviewedSchema,
  postingClosedSchema,
  candidateAppliedSchema,
]);

export const webhookResultSchema = z.object({
  deliveryId: text(200),
  events: z.array(webhookEventSchema).max(100),
});

import { createHmac, timingSafeEqual } from 'node:crypto';
import { brand } from './brand.ts';

/** Why a webhook delivery was refused. The core answers 401 for `signature` and `stale`, 400 for `malformed`. */
export type WebhookRejection = 'signature' | 'stale' | 'malformed';

const webhookErrorBrand = brand('WebhookError');

/** Thrown by `handleWebhook` for a delivery that must not be processed. The message is logged, never sent back. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === WebhookError ? webhookErrorBrand.hasInstance(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    webhookErrorBrand.mark(this);
  }
}

/** The delivery as the board sent it: the raw body (signatures are over bytes) and lower-cased headers. */
export interface WebhookRequest {
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

/** A candidate as the board describes them; every field but the name is optional. */
export interface WebhookCandidate {
  name: string;
  email?: string;
  phone?: string;
  city?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string;
  profileUrl?: string;
  /** When the candidate agreed to their data being passed on (ISO 8601). */
  consentAt?: string;
}

/** A file sent inline with the delivery. */
export interface WebhookDocument {
  fileName: string;
  contentType: string;
  contentBase64: string;
}

/** What a delivery means, in the board-independent form the core applies. */
export type WebhookEvent =
  | { type: 'posting.reviewed'; externalId: string; approved: boolean; reason?: string }
  | { type: 'posting.closed'; externalId: string; reason?: string }
  | {
      type: 'candidate.applied';
      /** The board's id of the application: the same one twice is one application. */
      applicationId: string;
      /** The board's id of the posting applied to, when the board knows it. */
      externalPostingId?: string;
      /** The title of the job applied to; used to find the job when there is no posting reference. */
      jobTitle?: string;
      /** ISO 8601; the delivery's time when absent. */
      appliedAt?: string;
      candidate: WebhookCandidate;
      document?: WebhookDocument;
    };

export interface WebhookResult {
  /** The board's id of this delivery: a delivery with an id already received is a duplicate and is dropped. */
  deliveryId: string;
  events: WebhookEvent[];
}

/** Compares an HMAC-SHA256 of `payload` under `secret` with the hex `signature` the board sent, in constant time. */
export function hmacSha256Matches(secret: string, payload: string | Buffer, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(payload).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * Checks a delivery's timestamp (seconds since the epoch, as a string) against the clock: older or newer than
 * `toleranceSeconds` is a replay or a forgery. Throws WebhookError.
 */
export function assertFreshTimestamp(timestamp: string | undefined, now: Date, toleranceSeconds = 300): void {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WebhookError('signature', 'The delivery has no valid timestamp.');
  const ageSeconds = now.getTime() / 1000 - Number(timestamp);
  if (Math.abs(ageSeconds) > toleranceSeconds) {
    throw new WebhookError('stale', `The delivery's timestamp is ${Math.round(ageSeconds)} s away from now (tolerance ${toleranceSeconds} s).`);
  }
}

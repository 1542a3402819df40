import { createHmac, timingSafeEqual } from 'node:crypto';
import { brand } from './brand.ts';

/** Why a webhook delivery was refused. The core answers 401 for `signature` and `stale`, 400 for `malformed`. */
export type WebhookRejection = 'signature' | 'stale' | 'malformed';

const webhookErrorBrand = brand('WebhookError');

/** Thrown by `handleWebhook` for a delivery that must not be processed. The message is logged, never sent back. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === WebhookError
      ? webhookErrorBrand.hasInstance(value)
      : Function.prototype[Symbol.hasInstance].call(this, value);
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

export interface SignatureCheck {
  secret: string | Buffer;
  /** What the board signed, byte for byte (often the raw body, or `<timestamp>.<body>`). */
  payload: string | Buffer;
  /** The signature the board sent; a prefix such as "sha256=" is removed when declared in `prefix`. */
  signature: string | undefined;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  encoding?: 'hex' | 'base64' | 'base64url';
  prefix?: string;
}

/** Compares an HMAC of `payload` under `secret` with the signature the board sent, in constant time. */
export function hmacMatches({
  secret,
  payload,
  signature,
  algorithm = 'sha256',
  encoding = 'hex',
  prefix = '',
}: SignatureCheck): boolean {
  if (!signature?.startsWith(prefix)) return false;
  const expected = createHmac(algorithm, secret).update(payload).digest();
  const text = signature.slice(prefix.length).trim();
  const valid = encoding === 'hex' ? /^[0-9a-f]+$/i.test(text) : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text);
  const given = valid ? Buffer.from(text, encoding) : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(expected, given);
}

/** Compares an HMAC-SHA256 of `payload` under `secret` with the hex `signature` the board sent, in constant time. */
export function hmacSha256Matches(secret: string, payload: string | Buffer, signature: string | undefined): boolean {
  return hmacMatches({ secret, payload, signature });
}

/** A timestamp as boards send them: seconds or milliseconds since the epoch, or an ISO 8601 date-time. */
function epochMillis(timestamp: string): number | undefined {
  if (/^\d{1,12}$/.test(timestamp)) return Number(timestamp) * 1000;
  if (/^\d{13}$/.test(timestamp)) return Number(timestamp);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(timestamp)) {
    const millis = Date.parse(timestamp);
    return Number.isNaN(millis) ? undefined : millis;
  }
  return undefined;
}

/**
 * Checks a delivery's timestamp (from a header or the body: seconds or milliseconds since the epoch, or ISO 8601)
 * against the clock: older or newer than `toleranceSeconds` is a replay or a forgery. Throws WebhookError.
 */
export function assertFreshTimestamp(timestamp: string | undefined, now: Date, toleranceSeconds = 300): void {
  const millis = timestamp ? epochMillis(timestamp.trim()) : undefined;
  if (millis === undefined) throw new WebhookError('signature', 'The delivery has no valid timestamp.');
  const ageSeconds = (now.getTime() - millis) / 1000;
  if (Math.abs(ageSeconds) > toleranceSeconds) {
    throw new WebhookError(
      'stale',
      `The delivery's timestamp is ${Math.round(ageSeconds)} s away from now (tolerance ${toleranceSeconds} s).`,
    );
  }
}

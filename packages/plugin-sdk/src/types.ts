import type { z } from 'zod';
import type { BoardError } from './board-error.ts';
import type { HttpClient } from './http.ts';
import type { PluginState, SchemaExtension } from './extensions.ts';
import type { FeedItem, FeedSource } from './feeds.ts';
import type { WebhookRequest, WebhookResult } from './webhooks.ts';

export const CAPABILITIES = [
  'publish',
  'update',
  'withdraw',
  'linkExisting',
  'webhooks',
  'candidates',
  'feed',
  'statusPolling',
  'contractHealth',
  /** The board takes screening questions: `publish` and `update` receive the job's `questions`. */
  'questions',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type CredentialFieldType = 'string' | 'number' | 'boolean' | 'email' | 'url' | 'enum';

/** One field of a board's connect form. The core derives the GraphQL input, validation and encrypted storage. */
export interface CredentialField {
  /** camelCase; the GraphQL input field name. */
  key: string;
  label: string;
  help?: string;
  type: CredentialFieldType;
  required: boolean;
  /** Write-only: never returned, logged or shown; the API returns only whether it is set and a masked hint. */
  secret: boolean;
  /** For type 'enum': the allowed values. */
  options?: readonly string[];
  /** For type 'string': a regular expression the whole value must match, and the message when it does not. */
  pattern?: { regex: string; message: string };
}

/** A statement the customer must confirm to connect (e.g. "the confidentiality agreement is signed"). */
export interface Confirmation {
  /** camelCase; a required Boolean in the connect input that must be true. */
  key: string;
  label: string;
}

export type CredentialValue = string | number | boolean;
export type Credentials = Record<string, CredentialValue>;

/** The value a credential field holds: a number, a boolean, one of an enum's options, or text. */
type CredentialValueOf<Field extends CredentialField> = Field['type'] extends 'number'
  ? number
  : Field['type'] extends 'boolean'
    ? boolean
    : Field extends { type: 'enum'; options: readonly (infer Option)[] }
      ? Option
      : string;

/** The credentials a plugin's functions get, typed from its descriptors: `credentials.apiKey` is a string. */
export type CredentialsOf<Fields extends readonly CredentialField[]> = {
  [Field in Fields[number] as Field['key']]: Field['required'] extends true
    ? CredentialValueOf<Field>
    : CredentialValueOf<Field> | undefined;
};

/**
 * How every request to the board's API is authenticated, from a credential: a header (`x-api-key: <apiKey>`), a
 * bearer token, or HTTP basic authentication. The context's `http` adds it to each request whose URL is relative
 * to the board's address (never to another host). Boards with OAuth2 use `clientCredentials` instead.
 */
export type AuthDeclaration =
  | { type: 'header'; name: string; credential: string; prefix?: string }
  | { type: 'bearer'; credential: string }
  | { type: 'basic'; username: string; password: string };

export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the core hands to every plugin function. */
export interface PluginContext<C = Credentials> {
  /** The contract's environment, e.g. "SANDBOX" or "PRODUCTION". */
  environment: string;
  /** The contract's decrypted credentials. Never log or return them. */
  credentials: C;
  /** HTTP with a timeout and the operation's abort signal; failures arrive as BoardError. */
  http: HttpClient;
  /** Logs with every credential value replaced by [redacted]. */
  log: PluginLogger;
  now(): Date;
  signal: AbortSignal;
}

/**
 * `pending`: the credentials are right but the board has not opened access yet (e.g. an access request it is
 * still reviewing). The contract stays PENDING_VERIFICATION with the reason, and the core verifies it again on
 * its schedule until the board says yes or no.
 */
export type VerifyResult = { ok: true } | { ok: false; reason: string; pending?: boolean };

/** How the board rates and treats the organisation's account, read on a schedule (capability `contractHealth`). */
export interface ContractHealth {
  /** The board's quality rating of the organisation's postings, in percent (0–100); null when it has none yet. */
  qualityRate?: number | null;
  /** What the customer should act on, shown on the contract (e.g. a quality rate under the board's threshold). */
  warnings?: string[];
  /** Set while the board has suspended the account: the contract is SUSPENDED with this reason and takes no postings. */
  suspendedReason?: string | null;
}

export interface PluginManifest {
  /** kebab-case, never changes; its PascalCase form prefixes the plugin's GraphQL names. */
  id: string;
  name: string;
  /** The plugin's own version (semver). */
  version: string;
  /** Semver range of the SDK the plugin was written for; a mismatch refuses to load. */
  sdkVersion: string;
  /** ISO 3166-1 alpha-2 code of the board's country. */
  country: string;
  description: string;
  /** Markdown shown on the connect page. */
  instructions: string;
  docsUrl: string;
  /** e.g. ['SANDBOX', 'PRODUCTION']; upper-case identifiers. */
  environments: readonly string[];
  credentials: readonly CredentialField[];
  /** How requests to the board are authenticated, from the credentials (see AuthDeclaration). */
  auth?: AuthDeclaration;
  confirmations?: readonly Confirmation[];
  capabilities: readonly Capability[];
  /** Board-only posting fields (contract-type codes, categories…): validated with it, published as JSON Schema. */
  postingFields?: z.ZodObject;
  /**
   * Environments a contract may only be connected in once the organisation has shown it can use another, e.g.
   * `{ PRODUCTION: { approvedPostingIn: 'ACCEPTANCE' } }`: a PRODUCTION contract needs a posting the board
   * approved on an ACCEPTANCE contract first.
   */
  environmentPrerequisites?: Readonly<Record<string, { approvedPostingIn: string }>>;
  /** Base URL of the board's API per environment; overridable by the core's configuration (simulators, tests). */
  baseUrls?: Readonly<Record<string, string>>;
}

/** The ATS job a posting is made from, as plugins see it. */
export interface PostingJob {
  id: string;
  title: string;
  /** Sanitised HTML. */
  description: string;
  location: { city: string | null; region: string | null; countryCode: string | null; postalCode: string | null };
  employmentType: string | null;
  hoursPerWeek: number | null;
  salary: { min: number | null; max: number | null; currency: string; period: string } | null;
  category: string | null;
  applyUrl: string | null;
  /** The job's screening questions, for a board that declares the `questions` capability (absent otherwise). */
  questions?: readonly ScreeningQuestion[];
}

/** A question a candidate answers when applying; a YES_NO question may have an answer that rules them out. */
export interface ScreeningQuestion {
  /** Stable within the job: answers name it. */
  id: string;
  text: string;
  kind: 'FREE_TEXT' | 'SINGLE_CHOICE' | 'MULTIPLE_CHOICE' | 'YES_NO';
  /** The choices of SINGLE_CHOICE and MULTIPLE_CHOICE. */
  options: readonly string[];
  required: boolean;
  /** YES_NO only: the answer that rules the candidate out (knock-out), or null. */
  knockOutAnswer: boolean | null;
}

export interface PostingPayload {
  job: PostingJob;
  /** The board-only fields, validated against `postingFields` (defaults applied). */
  boardFields: Record<string, unknown>;
}

/** Where a posting stands on the board. */
export type BoardPostingStatus = 'PENDING_REVIEW' | 'PUBLISHED' | 'REJECTED' | 'EXPIRED' | 'WITHDRAWN';

/** A reason the board would refuse a posting that its board fields cannot express, e.g. a description too long. */
export interface PostingProblem {
  /** The job's field, as the plugin sees the job. */
  field: 'title' | 'description' | 'location' | 'employmentType' | 'hoursPerWeek' | 'salary' | 'category' | 'applyUrl';
  /** What is wrong, to follow "the job's <field>", e.g. "has 5,120 characters of text; France Travail takes 4,000". */
  message: string;
}

export interface PublishResult {
  /** The board's id of the posting. */
  externalId: string;
  externalUrl?: string;
  /** PENDING_REVIEW when the board reviews postings before they go live. */
  status: 'PUBLISHED' | 'PENDING_REVIEW';
  /** What the board accepted but remarked on (e.g. a code it will retire); kept on the posting and shown. */
  warnings?: string[];
}

export interface PostingState {
  status: BoardPostingStatus;
  externalUrl?: string;
  rejectionReason?: string;
}

export interface BoardPlugin<C = Credentials> extends PluginManifest {
  /** Checks the credentials against the board. Absent: credentials that pass validation are accepted as they are. */
  verifyCredentials?(context: PluginContext<C> & { baseUrl: string }): Promise<VerifyResult>;
  /** Board-field defaults derived from the job; what the user gives overrides them. */
  postingDefaults?(job: PostingJob): Record<string, unknown>;
  /**
   * What the board would refuse in the job itself (its board fields are already valid), checked before a posting
   * is queued or updated so that the recruiter hears it at once instead of from a failed delivery.
   */
  checkPosting?(posting: PostingPayload): PostingProblem[];
  /**
   * Asks the board to check the posting without publishing it (a dry run), before a credit is reserved: throw a
   * BoardError VALIDATION (not retryable) naming the refused board fields. When the board does not answer, the
   * posting is queued anyway and the board checks it at delivery.
   */
  validatePosting?(context: PluginContext<C> & { posting: PostingPayload }): Promise<void>;
  /**
   * Creates the posting on the board. Send `idempotencyKey` so that a repeated call (after a timeout, a crash)
   * returns the posting created the first time instead of a second one.
   */
  publish?(context: PluginContext<C> & { posting: PostingPayload; idempotencyKey: string }): Promise<PublishResult>;
  /** Changes a published posting on the board (same idempotency rule as publish). */
  update?(
    context: PluginContext<C> & { posting: PostingPayload; externalId: string; idempotencyKey: string },
  ): Promise<{ status?: 'PUBLISHED' | 'PENDING_REVIEW'; warnings?: string[] }>;
  /** Takes a posting off the board. Withdrawing one the board already removed must succeed. */
  withdraw?(context: PluginContext<C> & { externalId: string; idempotencyKey: string }): Promise<void>;
  /** Reads a posting's state on the board; null when the board does not know it (or it belongs to someone else). */
  fetchPosting?(context: PluginContext<C> & { externalId: string }): Promise<PostingState | null>;
  /**
   * Verifies a delivery the board sent to the contract's webhook URL (signature, timestamp) and returns what it
   * means as normalised events. Throw WebhookError for a delivery to refuse. Keep it fast: the board is waiting,
   * and the core applies the events later, from its inbox.
   */
  handleWebhook?(context: PluginContext<C> & { request: WebhookRequest }): Promise<WebhookResult>;
  /**
   * Reads how the board rates and treats the account (quality rate, warnings, suspension). The core calls it on a
   * schedule for ACTIVE and SUSPENDED contracts, stores what it returns and suspends or reinstates the contract.
   */
  checkContract?(context: PluginContext<C>): Promise<ContractHealth>;
  /** Feed boards: which publications the contract's feed holds, from its settings. Absent: `postings`. */
  feedSource?(context: PluginContext<C>): FeedSource;
  /**
   * Feed boards: writes the feed, chunk by chunk, as the core reads the publications in batches; the core streams
   * the chunks to the board (gzip, conditional GET). Never build the whole document in memory.
   */
  renderFeed?(
    context: PluginContext<C> & { items: AsyncIterable<FeedItem>; state: PluginState; generatedAt: Date },
  ): AsyncIterable<string>;
  /** Queries and mutations of the plugin's own (e.g. a per-user setting), with names carrying its prefix. */
  extendSchema?: SchemaExtension;
}

export type { BoardError };

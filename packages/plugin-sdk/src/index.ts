// The public contract for board plugins: the only import a plugin needs (`@multiposting/plugin-sdk`).
import type { BoardPlugin, CredentialField, CredentialsOf } from './types.ts';

export { SDK_VERSION } from './version.ts';

/**
 * Declares a board plugin. The default export of a plugin module is the value this returns. The credentials its
 * functions get are typed from its `credentials` descriptors.
 */
export function definePlugin<const Fields extends readonly CredentialField[]>(
  plugin: Omit<BoardPlugin<CredentialsOf<Fields>>, 'credentials'> & { credentials: Fields },
): BoardPlugin {
  return plugin as unknown as BoardPlugin;
}

export { BoardError, boardErrorForStatus, type BoardErrorCode, type BoardFieldError } from './board-error.ts';
export {
  defineOperation,
  ExtensionInputError,
  nodeId,
  type ExtensionContext,
  type ExtensionOperation,
  type ExtensionUser,
  type PluginState,
  type SchemaExtension,
  type StateValue,
} from './extensions.ts';
export type { FeedItem, FeedSource } from './feeds.ts';
export { clientCredentials, OAuthRefusal, type ClientCredentialsOptions } from './oauth.ts';
export { createHttpClient, type HttpClient, type HttpRequest, type HttpResponse } from './http.ts';
export { CAPABILITIES } from './types.ts';
export type {
  AuthDeclaration,
  BoardPlugin,
  BoardPostingStatus,
  Capability,
  Confirmation,
  ContractHealth,
  CredentialField,
  CredentialFieldType,
  Credentials,
  CredentialsOf,
  CredentialValue,
  PluginContext,
  PluginLogger,
  PluginManifest,
  PostingJob,
  ScreeningQuestion,
  PostingPayload,
  PostingProblem,
  PostingState,
  PublishResult,
  VerifyResult,
} from './types.ts';
export {
  assertFreshTimestamp,
  hmacMatches,
  hmacSha256Matches,
  type SignatureCheck,
  WebhookError,
  type WebhookCandidate,
  type WebhookDocument,
  type WebhookEvent,
  type WebhookRejection,
  type WebhookRequest,
  type WebhookResult,
} from './webhooks.ts';
/**
 * htmlToText: a job description as plain text; normalizeForSearch: lower-case, accents and punctuation removed;
 * xmlSafeText: text without the characters XML cannot hold.
 */
export { htmlToText, normalizeForSearch, xmlSafeText } from './text.ts';
/** The GraphQL names the core generates for a plugin id (the connect mutation, its input, the review subscription). */
export { generatedNames } from './naming.ts';
/** Checks a plugin the way the server does when it loads it; throws PluginLoadError naming the field. */
export { PluginLoadError, validatePlugin } from './manifest.ts';
/** The zod the SDK validates with: plugins declare postingFields and extension operations with it. */
export { z } from 'zod';

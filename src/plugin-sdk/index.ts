// The public contract for board plugins: the only import a plugin needs (`multiposting-api/plugin-sdk`).
import type { BoardPlugin } from './types.ts';

/** Semver of this SDK; a plugin states the range it supports in `sdkVersion`. */
export const SDK_VERSION = '1.1.0';

/** Declares a board plugin. The default export of a plugin module is the value this returns. */
export function definePlugin<Plugin extends BoardPlugin>(plugin: Plugin): Plugin {
  return plugin;
}

export { BoardError, boardErrorForStatus, type BoardErrorCode } from './board-error.ts';
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
  BoardPlugin,
  BoardPostingStatus,
  Capability,
  Confirmation,
  ContractHealth,
  CredentialField,
  CredentialFieldType,
  Credentials,
  CredentialValue,
  PluginContext,
  PluginLogger,
  PluginManifest,
  PostingJob,
  PostingPayload,
  PostingProblem,
  PostingState,
  PublishResult,
  VerifyResult,
} from './types.ts';
export {
  assertFreshTimestamp,
  hmacSha256Matches,
  WebhookError,
  type WebhookCandidate,
  type WebhookDocument,
  type WebhookEvent,
  type WebhookRejection,
  type WebhookRequest,
  type WebhookResult,
} from './webhooks.ts';
export { htmlToText } from './text.ts';
/** Lower-case, accents and punctuation removed: for matching names ("Hà Nội" and "HA NOI" give "ha noi"). */
export { normalizeForSearch } from '../core/text.ts';
/** The zod the core validates with: plugins declare postingFields with it. */
export { z } from 'zod';

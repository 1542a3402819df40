import { createHash } from 'node:crypto';
import { BoardError } from './board-error.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import type { PluginContext } from './types.ts';

/** The token endpoint refused the client: `error` is the OAuth2 error code (invalid_client, invalid_scope…). */
export class OAuthRefusal extends BoardError {
  override name = 'OAuthRefusal';
  constructor(
    readonly error: string,
    userMessage: string,
    status: number,
  ) {
    super({ code: 'UNAUTHORIZED', retryable: false, status, userMessage });
  }
}

export interface ClientCredentialsOptions {
  /** Path (joined to the board's base URL) or absolute URL of the token endpoint. */
  tokenUrl: string;
  scope?: string;
  /** Which credential fields hold the client id and the client secret. */
  clientIdField: string;
  clientSecretField: string;
  /** Fetch a new token this long before the current one expires. Default 60. */
  refreshBeforeSeconds?: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * OAuth2 client credentials for a board: one token per environment and client, cached in the process until
 * shortly before it expires, shared by concurrent calls, and fetched again once when the board answers 401 to a
 * token it gave. Tokens are never logged or returned.
 */
export function clientCredentials(options: ClientCredentialsOptions) {
  const cache = new Map<string, Promise<CachedToken>>();
  const refreshBefore = (options.refreshBeforeSeconds ?? 60) * 1000;
  const keyOf = (context: PluginContext) =>
    createHash('sha256')
      .update(
        [
          context.environment,
          context.credentials[options.clientIdField],
          context.credentials[options.clientSecretField],
        ].join('\0'),
      )
      .digest('hex');

  async function fetchToken(context: PluginContext): Promise<CachedToken> {
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: String(context.credentials[options.clientIdField]),
      client_secret: String(context.credentials[options.clientSecretField]),
      ...(options.scope ? { scope: options.scope } : {}),
    };
    const response = await context.http.request({
      method: 'POST',
      url: options.tokenUrl,
      form,
      acceptStatuses: [400, 401, 403],
    });
    const body = (response.body ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (response.status !== 200) {
      const error = typeof body.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? body.error : 'invalid_client';
      throw new OAuthRefusal(error, `The board refused the client credentials (${error}).`, response.status);
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'The board sent no access token.' });
    }
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 300_000;
    return { value: body.access_token, expiresAt: context.now().getTime() + lifetime };
  }

  /** A valid token, from the cache or fetched (one fetch for concurrent callers). */
  async function token(context: PluginContext, stale?: string): Promise<string> {
    const key = keyOf(context);
    const cached = cache.get(key);
    if (cached) {
      const current = await cached.catch(() => undefined);
      if (current && current.value !== stale && current.expiresAt - refreshBefore > context.now().getTime())
        return current.value;
      if (cache.get(key) !== cached) return token(context, stale);
    }
    const fetching = fetchToken(context);
    cache.set(key, fetching);
    fetching.catch(() => {
      if (cache.get(key) === fetching) cache.delete(key);
    });
    return (await fetching).value;
  }

  return {
    /** Fetches (or reuses) a token: verifies the credentials. Throws OAuthRefusal when the board refuses them. */
    token: (context: PluginContext) => token(context),
    /** Sends a request with the bearer token; on a 401 the token is fetched again and the request sent once more. */
    async request(context: PluginContext, request: HttpRequest): Promise<HttpResponse> {
      const send = (value: string) =>
        context.http.request({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${value}` },
          acceptStatuses: [...(request.acceptStatuses ?? []), 401],
        });
      const first = await token(context);
      let response = await send(first);
      if (response.status === 401) response = await send(await token(context, first));
      if (response.status === 401 && !request.acceptStatuses?.includes(401)) {
        throw new BoardError({
          code: 'UNAUTHORIZED',
          retryable: false,
          status: 401,
          userMessage: 'The board refused a fresh access token.',
        });
      }
      return response;
    },
  };
}

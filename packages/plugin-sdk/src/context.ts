import { createHttpClient, type HttpClient } from './http.ts';
import type { AuthDeclaration, BoardPlugin, Credentials, PluginContext, PluginLogger } from './types.ts';

/** A structured logger of the kind pino is: fields first, then the message. */
export interface StructuredLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Replaces every occurrence of each secret (of three characters or more) in a text with [redacted]. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = secrets.filter((value) => value.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((result, value) => result.split(value).join('[redacted]'), text);
}

/** Removes every credential value from text a plugin produced (a message, an error) before it is shown or logged. */
export function redactCredentials(text: string, credentials: Credentials): string {
  return redactor(Object.values(credentials).map(String))(text);
}

/** A plugin logger that never lets a credential value through, in the message or in the fields. */
export function redactingLogger(log: StructuredLogger, credentials: Credentials): PluginLogger {
  const redact = redactor(Object.values(credentials).map(String));
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    const safeFields = fields ? JSON.parse(redact(JSON.stringify(fields))) : {};
    log[level](safeFields, redact(message));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The header a plugin's `auth` declaration puts on its requests, from the credentials. */
export function authHeaders(auth: AuthDeclaration | undefined, credentials: Credentials): Record<string, string> {
  if (!auth) return {};
  switch (auth.type) {
    case 'header':
      return { [auth.name.toLowerCase()]: `${auth.prefix ?? ''}${String(credentials[auth.credential] ?? '')}` };
    case 'bearer':
      return { authorization: `Bearer ${String(credentials[auth.credential] ?? '')}` };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${String(credentials[auth.username] ?? '')}:${String(credentials[auth.password] ?? '')}`).toString('base64')}`,
      };
  }
}

/** Adds the authentication headers to every request relative to the board's address; other hosts never see them. */
function authenticated(http: HttpClient, headers: Record<string, string>): HttpClient {
  if (Object.keys(headers).length === 0) return http;
  return {
    request: (request) =>
      http.request(
        /^[a-z][a-z0-9+.-]*:/i.test(request.url)
          ? request
          : { ...request, headers: { ...headers, ...request.headers } },
      ),
  };
}

export interface PluginContextOptions {
  plugin: Pick<BoardPlugin, 'name' | 'auth'>;
  environment: string;
  credentials: Credentials;
  /** The board's API address in this environment; relative request URLs are joined to it. */
  baseUrl?: string | undefined;
  timeoutMs: number;
  log: StructuredLogger;
  signal?: AbortSignal;
  now?: () => Date;
}

/** The context every plugin function gets, as the core builds it (and the conformance kit, the same way). */
export function createPluginContext(options: PluginContextOptions): PluginContext & { baseUrl: string } {
  const signal = options.signal ?? new AbortController().signal;
  return {
    environment: options.environment,
    credentials: options.credentials,
    baseUrl: options.baseUrl ?? '',
    http: authenticated(
      createHttpClient({
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        timeoutMs: options.timeoutMs,
        signal,
        boardName: options.plugin.name,
      }),
      authHeaders(options.plugin.auth, options.credentials),
    ),
    log: redactingLogger(options.log, options.credentials),
    now: options.now ?? (() => new Date()),
    signal,
  };
}

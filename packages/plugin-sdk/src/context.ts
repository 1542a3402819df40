import { createHttpClient } from './http.ts';
import type { BoardPlugin, Credentials, PluginContext, PluginLogger } from './types.ts';

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

export interface PluginContextOptions {
  plugin: Pick<BoardPlugin, 'name'>;
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
    http: createHttpClient({ ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), timeoutMs: options.timeoutMs, signal, boardName: options.plugin.name }),
    log: redactingLogger(options.log, options.credentials),
    now: options.now ?? (() => new Date()),
    signal,
  };
}

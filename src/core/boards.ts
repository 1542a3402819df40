import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import {
  BoardError,
  createHttpClient,
  ExtensionInputError,
  normalizeForSearch,
  WebhookError,
  type BoardPlugin,
  type Credentials,
  type HttpClient,
  type PluginContext,
} from '@multiposting/plugin-sdk';
import { countryName, createPluginContext, redactCredentials } from '@multiposting/plugin-sdk/host';
import { Counter, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import { BoardUnavailableError } from './errors.ts';

/** What the core asks a plugin to do; a plugin's own GraphQL operations count under their field name. */
export type BoardOperation =
  | 'verifyCredentials'
  | 'checkContract'
  | 'validatePosting'
  | 'publish'
  | 'update'
  | 'withdraw'
  | 'fetchPosting'
  | 'feedSource'
  | 'handleWebhook'
  | (string & {});

/** Rejects once the call's deadline passes, as a board that did not answer in time. */
function deadlinePassed(signal: AbortSignal, plugin: BoardPlugin): Promise<never> {
  return new Promise((_resolve, reject) =>
    signal.addEventListener(
      'abort',
      () =>
        reject(
          new BoardError({ code: 'TIMEOUT', retryable: true, userMessage: `${plugin.name} did not answer in time.` }),
        ),
      { once: true },
    ),
  );
}

/** The loaded board plugins, searchable, and the gateway every call into them goes through (`call`). */
/**
 * Every loaded plugin by id, from the registries of this process. What is read from it (a name, the environments a
 * board opens after an approval) are constants of the plugins, so code that only announces an event (inside a
 * transaction, without the registry) can still say it in words.
 */
const LOADED = new Map<string, BoardPlugin>();

/** A board's display name, or its id when no plugin of that id was loaded. */
export const boardName = (boardId: string): string => LOADED.get(boardId)?.name ?? boardId;

/** The environment a board opens once it has approved a posting made in `environment` (Le Forem: its acceptance). */
export const opensAfterApproval = (boardId: string, environment: string): string | null =>
  Object.entries(LOADED.get(boardId)?.environmentPrerequisites ?? {}).find(
    ([, prerequisite]) => prerequisite.approvedPostingIn === environment,
  )?.[0] ?? null;

export class BoardRegistry {
  private readonly byId: Map<string, BoardPlugin>;
  private readonly searchWords: Map<string, string[]>;
  private readonly metrics: { calls: Counter; duration: Histogram } | undefined;

  constructor(
    readonly plugins: readonly BoardPlugin[],
    private readonly options: {
      baseUrls: Record<string, string>;
      timeoutMs: number;
      log: Logger;
      skipPrerequisites?: readonly string[];
      contractCheckMs?: number;
      metrics?: Registry;
    },
  ) {
    if (options.metrics) {
      this.metrics = {
        calls: new Counter({
          name: 'board_calls_total',
          help: 'Calls into board plugins by board, operation and outcome (ok, or the error code).',
          labelNames: ['board', 'operation', 'outcome'],
          registers: [options.metrics],
        }),
        duration: new Histogram({
          name: 'board_call_duration_seconds',
          help: 'How long calls into board plugins took, by board and operation.',
          labelNames: ['board', 'operation'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers: [options.metrics],
        }),
      };
    }
    this.byId = new Map(plugins.map((plugin) => [plugin.id, plugin]));
    for (const plugin of plugins) LOADED.set(plugin.id, plugin);
    this.searchWords = new Map(
      plugins.map((plugin) => [
        plugin.id,
        normalizeForSearch([plugin.id, plugin.name, plugin.country, countryName(plugin.country)].join(' ')).split(' '),
      ]),
    );
  }

  /** How often a worker asks a board about a contract: its health, or a verification the board left pending. */
  get contractCheckMs(): number {
    return this.options.contractCheckMs ?? 900_000;
  }

  /** The registry of a server or worker process, configured from its environment. */
  static fromConfig(plugins: readonly BoardPlugin[], config: Config, log: Logger, metrics?: Registry): BoardRegistry {
    return new BoardRegistry(plugins, {
      baseUrls: config.boardBaseUrls,
      timeoutMs: config.boardTimeoutMs,
      log,
      skipPrerequisites: config.skipEnvironmentPrerequisites,
      contractCheckMs: config.contractCheckMs,
      ...(metrics ? { metrics } : {}),
    });
  }

  get(id: string): BoardPlugin | undefined {
    return this.byId.get(id);
  }

  /** Boards where every word searched for starts a word of their id, name or country (code or English name). */
  search(query: string | null | undefined): BoardPlugin[] {
    const words = normalizeForSearch(query ?? '')
      .split(' ')
      .filter(Boolean);
    return this.plugins
      .filter((plugin) =>
        words.every((word) => this.searchWords.get(plugin.id)!.some((candidate) => candidate.startsWith(word))),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Where the board's API is for an environment: BOARD_BASE_URLS first (`id:ENV=url` or `id=url`), then the plugin's own. */
  /** The environment a contract in `environment` needs an approved posting in first, unless configured off. */
  prerequisiteOf(plugin: BoardPlugin, environment: string): string | undefined {
    if (this.options.skipPrerequisites?.includes(plugin.id)) return undefined;
    return plugin.environmentPrerequisites?.[environment]?.approvedPostingIn;
  }

  baseUrl(plugin: BoardPlugin, environment: string): string | undefined {
    return (
      this.options.baseUrls[`${plugin.id}:${environment}`] ??
      this.options.baseUrls[plugin.id] ??
      plugin.baseUrls?.[environment]
    );
  }

  /** HTTP to the board's API in an environment, with the configured timeout. */
  http(plugin: BoardPlugin, environment: string, signal?: AbortSignal): HttpClient {
    const baseUrl = this.baseUrl(plugin, environment);
    return createHttpClient({
      ...(baseUrl ? { baseUrl } : {}),
      timeoutMs: this.options.timeoutMs,
      ...(signal ? { signal } : {}),
      boardName: plugin.name,
    });
  }

  /**
   * Calls into a plugin: the one way the core does. The call gets the contract's context (credentials, HTTP to the
   * board in its environment, a redacting logger), is cut off after the call deadline (or `deadlineMs`), is counted in
   * `board_calls_total` and timed, and what it throws becomes the API's BoardUnavailableError: a BoardError keeps its
   * code, retryability, wait and refused fields with credential values removed; anything else is a plugin failure,
   * logged with its stack. A WebhookError or ExtensionInputError (the plugin refusing its input) passes through.
   */
  call<T>(
    plugin: BoardPlugin,
    operation: BoardOperation,
    target: { environment: string; credentials: Credentials; signal?: AbortSignal | undefined; deadlineMs?: number },
    run: (context: PluginContext & { baseUrl: string }) => Promise<T> | T,
  ): Promise<T> {
    return this.guard(
      plugin,
      operation,
      target.credentials,
      async (signal) =>
        run(
          this.context(plugin, {
            environment: target.environment,
            credentials: target.credentials,
            signal: target.signal ? AbortSignal.any([target.signal, signal]) : signal,
          }),
        ),
      target.deadlineMs,
    );
  }

  /** The context of a plugin call; on its own only for what streams longer than a call may last (a feed). */
  context(
    plugin: BoardPlugin,
    target: { environment: string; credentials: Credentials; signal?: AbortSignal | undefined },
  ): PluginContext & { baseUrl: string } {
    return createPluginContext({
      plugin,
      environment: target.environment,
      credentials: target.credentials,
      baseUrl: this.baseUrl(plugin, target.environment),
      timeoutMs: this.options.timeoutMs,
      log: this.logOf(plugin),
      ...(target.signal ? { signal: target.signal } : {}),
    });
  }

  /** `call` for plugin code that builds its own context (the plugin's own GraphQL operations). */
  async guard<T>(
    plugin: BoardPlugin,
    operation: BoardOperation,
    credentials: Credentials,
    run: (signal: AbortSignal) => Promise<T> | T,
    deadlineMs = this.callDeadlineMs,
  ): Promise<T> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    const stopTimer = this.metrics?.duration.startTimer({ board: plugin.id, operation });
    let outcome = 'ok';
    try {
      return await Promise.race([run(deadline.signal), deadlinePassed(deadline.signal, plugin)]);
    } catch (error) {
      const failure = this.translate(plugin, operation, error, credentials);
      outcome = failure instanceof BoardUnavailableError ? failure.code.toLowerCase() : 'refused';
      throw failure;
    } finally {
      clearTimeout(timer);
      stopTimer?.();
      this.metrics?.calls.inc({ board: plugin.id, operation, outcome });
    }
  }

  private readonly logs = new Map<string, Logger>();

  /** The logger of a plugin's calls (one per plugin: a child logger costs more to make than a call's work). */
  private logOf(plugin: BoardPlugin): Logger {
    const known = this.logs.get(plugin.id);
    if (known) return known;
    const log = this.options.log.child({ board: plugin.id });
    this.logs.set(plugin.id, log);
    return log;
  }

  /** A plugin's call may make a few requests to its board (a token, then the call): it gets a few timeouts. */
  private get callDeadlineMs(): number {
    return this.options.timeoutMs * 4;
  }

  private translate(plugin: BoardPlugin, operation: BoardOperation, error: unknown, credentials: Credentials): Error {
    // The plugin's verdicts on what it was given (a webhook delivery, its own operation's input) are not failures.
    if (error instanceof WebhookError || error instanceof ExtensionInputError) return error;
    // Already the API's error (a call made inside another): it was translated where it happened.
    if (error instanceof BoardUnavailableError) return error;
    if (error instanceof BoardError) {
      return new BoardUnavailableError(this.redact(error.userMessage, credentials), error.retryable, {
        code: error.code,
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        fields: error.fields.map((field) => ({
          path: [...field.path],
          message: this.redact(field.message, credentials),
        })),
      });
    }
    this.options.log.error(
      { board: plugin.id, operation, err: this.redact(String((error as Error)?.stack ?? error), credentials) },
      'Board plugin failed unexpectedly',
    );
    const message =
      error instanceof z.ZodError
        ? `The ${plugin.name} plugin gave an answer the API cannot read.`
        : `The ${plugin.name} plugin failed unexpectedly.`;
    return new BoardUnavailableError(message, false, { code: 'PLUGIN_FAILED' });
  }

  /** Removes every credential value from text a plugin produced (e.g. an error message) before it is shown or logged. */
  redact(text: string, credentials: Credentials): string {
    return redactCredentials(text, credentials);
  }
}

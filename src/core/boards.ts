import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import {
  BoardError,
  createHttpClient,
  normalizeForSearch,
  type BoardPlugin,
  type Credentials,
  type HttpClient,
} from '@multiposting/plugin-sdk';
import { countryName, createPluginContext, redactCredentials } from '@multiposting/plugin-sdk/host';
import { BoardUnavailableError } from './errors.ts';

/** The loaded board plugins, searchable, and the context every plugin call gets. */
export class BoardRegistry {
  private readonly byId: Map<string, BoardPlugin>;
  private readonly searchWords: Map<string, string[]>;

  constructor(
    readonly plugins: readonly BoardPlugin[],
    private readonly options: {
      baseUrls: Record<string, string>;
      timeoutMs: number;
      log: Logger;
      skipPrerequisites?: readonly string[];
      contractCheckMs?: number;
    },
  ) {
    this.byId = new Map(plugins.map((plugin) => [plugin.id, plugin]));
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
  static fromConfig(plugins: readonly BoardPlugin[], config: Config, log: Logger): BoardRegistry {
    return new BoardRegistry(plugins, {
      baseUrls: config.boardBaseUrls,
      timeoutMs: config.boardTimeoutMs,
      log,
      skipPrerequisites: config.skipEnvironmentPrerequisites,
      contractCheckMs: config.contractCheckMs,
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

  context(
    plugin: BoardPlugin,
    environment: string,
    credentials: Credentials,
    signal: AbortSignal = new AbortController().signal,
  ) {
    const log = this.options.log.child({ board: plugin.id });
    return createPluginContext({
      plugin,
      environment,
      credentials,
      baseUrl: this.baseUrl(plugin, environment),
      timeoutMs: this.options.timeoutMs,
      log,
      signal,
    });
  }

  /**
   * The API's error for a board call that failed: a BoardError becomes a BoardUnavailableError with its message
   * (credential values removed) and whether trying again may help; anything else is left as it is.
   */
  failure(error: unknown, credentials: Credentials): unknown {
    return error instanceof BoardError
      ? new BoardUnavailableError(this.redact(error.userMessage, credentials), error.retryable)
      : error;
  }

  /** Removes every credential value from text a plugin produced (e.g. an error message) before it is shown or logged. */
  redact(text: string, credentials: Credentials): string {
    return redactCredentials(text, credentials);
  }
}

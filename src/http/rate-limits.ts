import type { IncomingMessage } from 'node:http';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { Context } from '../schema/context.ts';

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One limit: `points` per `durationSeconds` per key. Off (always allowed) when points is 0. */
export interface Limit {
  consume(key: string, points?: number): Promise<Verdict>;
}

export interface RateLimits {
  /** Mutations per API token. */
  mutations: Limit;
  /** createApiToken per client address. */
  tokenCreations: Limit;
  /** Board webhook deliveries per client address. */
  webhooks: Limit;
  /** Applications submitted on the hosted application page per client address. */
  applications: Limit;
}

const ALLOWED: Verdict = { allowed: true };

function limit(name: string, points: number, durationSeconds: number, redis: Redis | undefined): Limit {
  if (points <= 0) return { consume: async () => ALLOWED };
  const options = { keyPrefix: `mp:rate:${name}`, points, duration: durationSeconds };
  // Shared by every process through Redis; while Redis is unreachable each process counts on its own.
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
    : new RateLimiterMemory(options);
  return {
    async consume(key, used = 1) {
      try {
        await limiter.consume(key, used);
        return ALLOWED;
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
    },
  };
}

export function createRateLimits(config: Config['rateLimits'], redis: Redis | undefined): RateLimits {
  return {
    mutations: limit('mutations', config.mutationsPerMinute, 60, redis),
    tokenCreations: limit('token-creations', config.tokenCreationsPerHour, 3600, redis),
    webhooks: limit('webhooks', config.webhooksPerMinute, 60, redis),
    applications: limit('applications', config.applicationsPerHour, 3600, redis),
  };
}

/** The address a request comes from: the first X-Forwarded-For entry behind a trusted proxy, else the socket's. */
export function clientAddress(request: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return (trustProxy && first) || request.socket.remoteAddress || 'unknown';
}

export function rateLimited(what: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many ${what}; try again in ${retryAfterSeconds} s.`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
    },
  });
}

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((operation) => operation.name?.value === name) : operations[0];
}

/** The names of the root fields an operation runs, once per occurrence (aliases and fragments included). */
function rootFieldNames(
  document: DocumentNode,
  selections: readonly SelectionNode[],
  seen = new Set<string>(),
): string[] {
  return selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return rootFieldNames(document, selection.selectionSet.selections, seen);
    const name = selection.name.value;
    const fragment = document.definitions.find(
      (definition): definition is FragmentDefinitionNode =>
        definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
    );
    if (!fragment || seen.has(name)) return [];
    return rootFieldNames(document, fragment.selectionSet.selections, new Set([...seen, name]));
  });
}

/**
 * Counts every mutation (each root field) against its token's limit, and createApiToken also against the caller's address, before
 * it runs; over a limit the operation answers RATE_LIMITED (HTTP 429 with Retry-After) and nothing is executed.
 */
export function useRateLimits(limits: RateLimits): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = operationOf(args.document, args.operationName);
      const context = args.contextValue as Partial<Context>;
      if (operation?.operation !== 'mutation' || !context.viewer) return;
      const fields = rootFieldNames(args.document, operation.selectionSet.selections);
      const mutations = await limits.mutations.consume(context.viewer.tokenId, fields.length);
      if (!mutations.allowed)
        return setResultAndStopExecution({
          errors: [rateLimited('mutations for this token', mutations.retryAfterSeconds)],
        });
      const tokens = fields.filter((field) => field === 'createApiToken').length;
      if (tokens === 0) return;
      const creations = await limits.tokenCreations.consume(context.clientAddress ?? 'unknown', tokens);
      if (!creations.allowed)
        setResultAndStopExecution({
          errors: [rateLimited('API tokens created from this address', creations.retryAfterSeconds)],
        });
    },
  };
}

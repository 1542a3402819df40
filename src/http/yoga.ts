import type { IncomingMessage } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Viewer } from '../core/auth/viewer.ts';
import type { Services } from '../core/services.ts';
import type { ProcessServices } from '../services.ts';
import type { Context } from '../schema/context.ts';
import { buildSchema } from '../schema/index.ts';
import type { ViewerCache } from '../core/auth/viewer.ts';
import { useAuthentication } from './authentication.ts';
import { usePageSizeVariablesInCost } from './cost-limit.ts';
import { maskErrors } from './database-errors.ts';
import { useMetricsAccess } from './metrics-access.ts';
import { useRefuseNulCharacters } from './nul-characters.ts';
import { clientAddress, useRateLimits, type RateLimits } from './rate-limits.ts';
import { useEndSubscriptionsOnRevocation } from './revocation.ts';

/** What the WebSocket server passes as initial context: it authenticated the connection itself. */
export interface WebSocketInitialContext {
  viewer: Viewer;
  clientAddress: string;
}

export type Yoga = YogaServerInstance<{ req?: IncomingMessage }, Context>;

export function createGraphQLServer(options: {
  services: ProcessServices;
  viewers: ViewerCache;
  rateLimits: RateLimits;
}): Yoga {
  const { services } = options;
  const { config, log, metrics, boards, topics } = services;
  const core: Services = {
    prisma: services.prisma,
    keyring: services.keyring,
    boards,
    contracts: services.contracts,
    topics,
    log,
    documents: services.documents,
    publicUrl: services.publicUrl,
    allowPrivateAddresses: services.allowPrivateAddresses,
  };
  const authentication = useAuthentication({ viewers: options.viewers, introspection: config.graphql.introspection });
  const limits = config.graphql;
  return createYoga<{ req?: IncomingMessage }, Context>({
    schema: buildSchema(boards.plugins),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // The body has been read, within MAX_REQUEST_BYTES, before Yoga sees the request (readGraphQLBody):
    // Yoga's own limit would pipe it through a stream again, which cost about a tenth of a small request.
    maxRequestBodySize: false,
    graphiql: limits.graphiql ? { title: 'Multiposting API', subscriptionsProtocol: 'WS' } : false,
    // Unexpected errors reach the client as "Unexpected error." with no stack, SQL or message, in every mode.
    maskedErrors: { isDev: false, maskError: maskErrors },
    logging: log.child({ component: 'graphql' }),
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins, credentials: false } : false,
    batching: { limit: 10 },
    context: (initial): Context => ({
      ...core,
      ...('viewer' in initial
        ? {
            viewer: (initial as unknown as WebSocketInitialContext).viewer,
            clientAddress: (initial as unknown as WebSocketInitialContext).clientAddress,
          }
        : {
            viewer: authentication.viewerOf(initial.request),
            clientAddress: initial.req ? clientAddress(initial.req, config.trustProxy) : 'unknown',
          }),
    }),
    plugins: [
      authentication,
      useEndSubscriptionsOnRevocation(topics),
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
        maxAliases: { n: limits.maxAliases },
        maxTokens: { n: limits.maxTokens },
        maxDirectives: { n: limits.maxDirectives },
        costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
        blockFieldSuggestion: { enabled: config.env === 'production' },
      }),
      usePageSizeVariablesInCost(limits.maxCost),
      useRefuseNulCharacters(),
      useRateLimits(options.rateLimits),
      ...(limits.introspection ? [] : [useDisableIntrospection()]),
      useMetricsAccess(config.metricsToken),
      usePrometheus({
        endpoint: '/metrics',
        registry: metrics,
        metrics: {
          graphql_yoga_http_duration: true,
          graphql_envelop_request: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_phase_execute: true,
          graphql_envelop_phase_subscribe: true,
          graphql_envelop_error_result: true,
          // The plugin's other defaults cost every request (a summary's quantiles, a walk of the document for
          // deprecated fields, histograms of phases the caches make trivial) and are not among the metrics served.
          graphql_envelop_request_time_summary: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_schema_change: false,
        },
        // No operation names: callers choose them, and each new one would add series without bound.
        labels: { operationName: false, operationType: true, method: true, statusCode: true, url: false },
      }),
    ],
  });
}

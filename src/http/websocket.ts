import type { IncomingMessage, Server as HttpServer } from 'node:http';
import {
  GraphQLError,
  type ExecutionArgs,
  type execute as graphqlExecute,
  type subscribe as graphqlSubscribe,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Gauge, type Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseBearer } from '../core/auth/tokens.ts';
import { authenticate, isTokenActive, type Viewer } from '../core/auth/viewer.ts';
import type { Events } from '../core/events.ts';
import type { PrismaClient } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { WebSocketInitialContext, Yoga } from './yoga.ts';

interface ConnectionState extends Record<PropertyKey, unknown> {
  viewer?: Viewer;
}

/** The enveloped execute/subscribe of the operation, carried to graphql-ws through rootValue. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): ReturnType<typeof graphqlExecute>;
  subscribe(args: ExecutionArgs): ReturnType<typeof graphqlSubscribe>;
}

/** `connectionParams` may carry `{ authorization: "Bearer <token>" }` (as the HTTP header) or `{ token }`. */
function tokenFrom(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  if (typeof params.authorization === 'string') return parseBearer(params.authorization);
  if (typeof params.Authorization === 'string') return parseBearer(params.Authorization);
  if (typeof params.token === 'string') return params.token;
  return undefined;
}

/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql path, executed by the same Yoga instance, so
 * the same schema, limits and plugins apply. A connection authenticates once in `connection_init`; revoking its
 * token closes it with 4403 in every process.
 */
export function attachWebSocketServer(options: {
  server: HttpServer;
  yoga: Yoga;
  prisma: PrismaClient;
  events: Events;
  log: Logger;
  metrics: Registry;
  initTimeoutMs: number;
  addressOf: (request: IncomingMessage) => string;
}) {
  const { yoga, prisma, events, metrics } = options;
  const log = options.log.child({ component: 'websocket' });
  const wss = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  const byToken = new Map<string, Set<WebSocket>>();
  const connections = new Gauge({
    name: 'graphql_ws_connections',
    help: 'Open GraphQL WebSocket connections.',
    registers: [metrics],
  });

  const closeToken = (tokenId: string) => {
    for (const socket of byToken.get(tokenId) ?? []) socket.close(CloseCode.Forbidden, 'Forbidden: token revoked');
    byToken.delete(tokenId);
  };
  const revocations = events.subscribe('token.revoked');
  void (async () => {
    for await (const { tokenId } of revocations) closeToken(tokenId);
  })();

  wss.on('connection', (socket) => {
    connections.inc();
    socket.once('close', () => connections.dec());
  });

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      connectionInitWaitTimeout: options.initTimeoutMs,
      onConnect: async (ctx) => {
        const token = tokenFrom(ctx.connectionParams);
        const viewer = token ? await authenticate(prisma, token) : null;
        if (!viewer) {
          log.info('WebSocket connection refused: missing, unknown or revoked token');
          return false;
        }
        ctx.extra.viewer = viewer;
        const sockets = byToken.get(viewer.tokenId) ?? new Set();
        sockets.add(ctx.extra.socket);
        byToken.set(viewer.tokenId, sockets);
        ctx.extra.socket.once('close', () => {
          sockets.delete(ctx.extra.socket);
          if (sockets.size === 0 && byToken.get(viewer.tokenId) === sockets) byToken.delete(viewer.tokenId);
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const viewer = ctx.extra.viewer!;
        // The revocation event closes the socket; this check also covers a revocation whose event was missed.
        if (!(await isTokenActive(prisma, viewer.tokenId))) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: token revoked');
          return [];
        }
        const initial: WebSocketInitialContext = { viewer, clientAddress: options.addressOf(ctx.extra.request) };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...initial,
          params: payload,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
          // The limit rules (GraphQL Armor) throw their refusals instead of reporting them.
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
    },
    wss,
  );

  return {
    async close() {
      await revocations.return?.();
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
    },
  };
}

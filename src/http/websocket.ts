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
import type { Topics } from '../core/topics.ts';
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
  topics: Topics;
  log: Logger;
  metrics: Registry;
  initTimeoutMs: number;
  addressOf: (request: IncomingMessage) => string;
}) {
  const { yoga, prisma, topics, metrics } = options;
  const log = options.log.child({ component: 'websocket' });
  const wss = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  const sockets = new SocketsByToken();
  const connections = new Gauge({
    name: 'graphql_ws_connections',
    help: 'Open GraphQL WebSocket connections.',
    registers: [metrics],
  });

  const revocations = topics.subscribe('token.revoked');
  void (async () => {
    for await (const { tokenId } of revocations) sockets.closeAll(tokenId);
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
        sockets.add(viewer.tokenId, ctx.extra.socket);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const viewer = ctx.extra.viewer!;
        // The revocation event closes the socket; this check also covers a revocation whose event was missed.
        if (!(await isTokenActive(prisma, viewer.tokenId))) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: token revoked');
          return [];
        }
        return executionArgs(yoga, { viewer, clientAddress: options.addressOf(ctx.extra.request) }, payload);
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

/** The open sockets of each token, so that revoking a token closes them. */
class SocketsByToken {
  private readonly byToken = new Map<string, Set<WebSocket>>();

  add(tokenId: string, socket: WebSocket): void {
    const sockets = this.byToken.get(tokenId) ?? new Set();
    sockets.add(socket);
    this.byToken.set(tokenId, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.byToken.get(tokenId) === sockets) this.byToken.delete(tokenId);
    });
  }

  closeAll(tokenId: string): void {
    for (const socket of this.byToken.get(tokenId) ?? []) socket.close(CloseCode.Forbidden, 'Forbidden: token revoked');
    this.byToken.delete(tokenId);
  }
}

/**
 * A subscription's operation through Yoga's envelop, so that the same schema, limits and plugins apply as over
 * HTTP: its parsed and validated document (or the errors that refuse it) and what executing it needs.
 */
async function executionArgs(
  yoga: Yoga,
  initial: WebSocketInitialContext,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
) {
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
}

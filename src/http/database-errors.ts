import { GraphQLError } from 'graphql';
import { maskError, type YogaServerOptions } from 'graphql-yoga';

type MaskError = NonNullable<
  Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']
>;

/** PostgreSQL going away: shut down (57P01–57P03), connection failures (08xxx), too many connections (53300), or the driver losing its socket. */
const UNAVAILABLE =
  /Code: `(57P0[1-3]|08[0-9A-Z]{3}|53300)`|ECONNREFUSED|ECONNRESET|Connection terminated|Can't reach database|Timed out fetching a new connection|Connection closed|Server has closed the connection/i;

/** Prisma's own codes for the same: cannot reach (P1001), timed out (P1002, P1008), connection closed (P1017), pool timeout (P2024). */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current && chain.length < 5;
    current =
      (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause
  )
    chain.push(current);
  return chain;
}

/** Whether an error comes from the database client losing the database (not from a query it refused). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(
    (cause) =>
      cause instanceof Error &&
      /^(PrismaClient|DriverAdapterError)/.test(cause.name || cause.constructor.name) &&
      (UNAVAILABLE_CODES.has(String((cause as { code?: unknown }).code)) || UNAVAILABLE.test(cause.message)),
  );
}

/**
 * Yoga's masking, except that losing the database answers 503 SERVICE_UNAVAILABLE with Retry-After instead of
 * an unexpected error: the client may try again (a mutation may or may not have been applied).
 */
export const maskErrors: MaskError = (error, message) => {
  if (!isDatabaseUnavailable(error)) return maskError(error, message, false);
  return new GraphQLError('The database is unavailable; try again shortly.', {
    ...(error instanceof GraphQLError ? { path: error.path, nodes: error.nodes } : {}),
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '2' } } },
  });
};

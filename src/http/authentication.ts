import { GraphQLError, Kind, parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { parseBearer } from '../core/auth/tokens.ts';
import type { Viewer, ViewerCache } from '../core/auth/viewer.ts';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** True when every operation in the document only asks for __schema, __type or __typename. */
function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
      ),
  );
}

function introspectionOnly(query: string | undefined, allowed: boolean): boolean {
  if (!allowed || !query) return false;
  try {
    return isIntrospectionOnly(parse(query, { maxTokens: 5000 }));
  } catch {
    return false;
  }
}

/**
 * Authenticates every HTTP GraphQL request (queries, mutations and SSE subscriptions) before it is parsed:
 * `Authorization: Bearer <token>`, checked against the database, or the viewer cache that a revocation empties at
 * once. A missing or bad token answers 401;
 * introspection alone passes without one while introspection is enabled, so GraphiQL can load the schema.
 */
export function useAuthentication(options: { viewers: ViewerCache; introspection: boolean }): Plugin & {
  viewerOf(request: Request): Viewer | null;
} {
  const viewers = new WeakMap<Request, Viewer>();
  return {
    viewerOf: (request) => viewers.get(request) ?? null,
    async onParams({ params, request }) {
      const header = request.headers.get('authorization');
      if (header === null) {
        if (introspectionOnly(params.query, options.introspection)) return;
        throw unauthenticated('Authentication required: send an "Authorization: Bearer <token>" header.');
      }
      const token = parseBearer(header);
      const viewer = token ? await options.viewers.authenticate(token) : null;
      if (!viewer) throw unauthenticated('The API token is unknown or revoked.');
      viewers.set(request, viewer);
    },
  };
}

import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { depthLimitedJson, MAX_JSON_DEPTH } from './json-scalar.ts';
import type { PrismaClient } from '../db/database.ts';
import { getDatamodel, type default as PrismaTypes } from '../db/generated/pothos-types.ts';
import type { Context } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { authenticated: boolean; admin: boolean; write: boolean };
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, DataloaderPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      authenticated: context.viewer !== null,
      admin: context.viewer?.role === 'ADMIN',
      write: context.viewer?.scopes.includes('WRITE') ?? false,
    }),
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, _context, info) =>
      new GraphQLError(`Not allowed to access ${info.parentType.name}.${info.fieldName}.`, {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  prisma: {
    // Each request's context carries the client (one per process); resolvers never import it directly.
    client: (context: Context): PrismaClient => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: { authScopes: { authenticated: true } },
    nodesQueryOptions: false,
  },
  errors: {
    defaultTypes: [],
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result`,
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', depthLimitedJson(JSONResolver, MAX_JSON_DEPTH));

builder.queryType({ authScopes: { authenticated: true } });
builder.mutationType({
  authScopes: { write: true },
  description: 'Every mutation needs a token with the WRITE scope.',
});
builder.subscriptionType({ authScopes: { authenticated: true } });

import { createApiToken, revokeApiToken } from '../core/auth/api-tokens.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { TokenScope } from '../db/generated/prisma/enums.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { inOrganization } from './tenancy.ts';
import { UserRef } from './users.ts';

export const TokenScopeEnum = builder.enumType(TokenScope, {
  name: 'TokenScope',
  description: 'READ allows queries and subscriptions; WRITE also allows mutations.',
});

const ApiTokenRef = builder.prismaNode('ApiToken', {
  nullable: true,
  id: { field: 'id' },
  description: 'An API token. Only its hash is stored; the token itself is shown once, when it is created.',
  findUnique: (id, context) => inOrganization(id, context),
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the token, to tell tokens apart.' }),
    scopes: t.expose('scopes', { type: [TokenScopeEnum] }),
    user: t.relation('user'),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Updated at most once a minute.',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.prismaConnection({
    type: 'ApiToken',
    cursor: 'id',
    description: "The organisation's API tokens, newest first (admins only).",
    authScopes: { admin: true },
    args: { includeRevoked: t.arg.boolean({ defaultValue: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.apiToken.findMany({
        ...query,
        where: {
          organizationId: viewerOf(context).organizationId,
          ...(args.includeRevoked ? {} : { revokedAt: null }),
        },
        orderBy: { createdAt: 'desc' },
      }),
  }),
);

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [TokenScopeEnum], required: true }),
    userId: t.globalID({ description: 'The user the token acts as; the caller when omitted.', for: [UserRef] }),
  }),
});

const CreateApiTokenPayload = builder
  .objectRef<{ token: string; record: { id: string } }>('CreateApiTokenPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'The token itself. Shown only in this answer: store it now.' }),
      apiToken: t.prismaField({
        type: 'ApiToken',
        resolve: (query, payload, _args, context) =>
          context.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: payload.record.id } }),
      }),
    }),
  });

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreateApiTokenPayload,
    description: 'Issues a token for a user of the organisation (admins only).',
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const viewer = viewerOf(context);
      return createApiToken(context.prisma, context.topics, viewer.organizationId, {
        name: input.name,
        scopes: input.scopes,
        userId: input.userId?.id ?? viewer.userId,
      });
    },
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.prismaField({
    type: 'ApiToken',
    description: 'Revokes a token at once: requests and open subscriptions that use it stop working (admins only).',
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, for: [ApiTokenRef] }) },
    resolve: async (query, _root, { id }, context) => {
      const record = await revokeApiToken(context.prisma, context.topics, viewerOf(context).organizationId, id.id);
      return context.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  }),
);

const ApiTokenActionEnum = builder.enumType('ApiTokenAction', { values: ['CREATED', 'REVOKED'] as const });

const ApiTokenChangedRef = builder
  .objectRef<{ action: 'CREATED' | 'REVOKED'; tokenId: string }>('ApiTokenChanged')
  .implement({
    fields: (t) => ({
      action: t.field({ type: ApiTokenActionEnum, resolve: (event) => event.action }),
      apiToken: t.prismaField({
        type: 'ApiToken',
        resolve: (query, event, _args, context) =>
          context.prisma.apiToken.findFirstOrThrow({ ...query, where: inOrganization(event.tokenId, context) }),
      }),
    }),
  });

builder.subscriptionField('apiTokenChanged', (t) =>
  t.field({
    type: ApiTokenChangedRef,
    description: 'Tokens of the organisation being created or revoked (admins only).',
    authScopes: { admin: true },
    subscribe: (_root, _args, context) =>
      context.topics.subscribe('apiToken.changed', viewerOf(context).organizationId),
    resolve: (event) => event,
  }),
);

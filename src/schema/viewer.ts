import type { Viewer } from '../core/auth/viewer.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { TokenScopeEnum } from './api-tokens.ts';
import { RoleEnum } from './users.ts';

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The caller: the organisation, user and token the request is authenticated as.',
  fields: (t) => ({
    organization: t.prismaField({
      type: 'Organization',
      resolve: (query, viewer, _args, context) =>
        context.prisma.organization.findUniqueOrThrow({ ...query, where: { id: viewer.organizationId } }),
    }),
    user: t.prismaField({
      type: 'User',
      resolve: (query, viewer, _args, context) =>
        context.prisma.user.findUniqueOrThrow({ ...query, where: { id: viewer.userId } }),
    }),
    role: t.expose('role', { type: RoleEnum }),
    scopes: t.expose('scopes', { type: [TokenScopeEnum], description: 'What the token used for this request may do.' }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: ViewerRef, resolve: (_root, _args, context) => viewerOf(context) }),
);

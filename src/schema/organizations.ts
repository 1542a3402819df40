import { builder } from './builder.ts';
import { ownOrganization } from './tenancy.ts';

builder.prismaNode('Organization', {
  nullable: true,
  id: { field: 'id' },
  description: 'A customer of the API. Every object belongs to exactly one organisation.',
  findUnique: (id, context) => ownOrganization(id, context),
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

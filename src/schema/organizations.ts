import { builder } from './builder.ts';

builder.prismaNode('Organization', {
  nullable: true,
  id: { field: 'id' },
  description: 'A customer of the API. Every object belongs to exactly one organisation.',
  findUnique: (id, context) => ({ id: context.viewer?.organizationId === id ? id : '00000000-0000-0000-0000-000000000000' }),
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

import { z } from 'zod';
import { parseInput, ValidationError } from '../core/errors.ts';
import { isUniqueViolation } from '../db/database.ts';
import { Role } from '../db/generated/prisma/enums.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { inOrganization } from './tenancy.ts';

export const RoleEnum = builder.enumType(Role, {
  name: 'Role',
  description: 'ADMIN manages contracts, credentials, users and tokens; RECRUITER posts jobs and handles candidates.',
});

export const UserRef = builder.prismaNode('User', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: RoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('users', (t) =>
  t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: "The organisation's users (admins only).",
    authScopes: { admin: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.user.findMany({
        ...query,
        where: { organizationId: viewerOf(context).organizationId },
        orderBy: { createdAt: 'asc' },
      }),
  }),
);

const createUserInput = z.object({
  email: z
    .email('must be an e-mail address')
    .max(254)
    .transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  role: z.enum(Role),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

builder.mutationField('createUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Adds a user to the organisation (admins only). E-mail addresses are unique per organisation.',
    authScopes: { admin: true },
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const data = parseInput(createUserInput, input);
      const { organizationId } = viewerOf(context);
      try {
        return await context.prisma.user.create({ ...query, data: { ...data, organizationId } });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ValidationError([
            { path: ['input', 'email'], message: 'is already used by another user of this organisation' },
          ]);
        }
        throw error;
      }
    },
  }),
);

import { encodeGlobalID } from '@pothos/plugin-relay';
import { z } from 'zod';
import { BoardUnavailableError, parseInput, ValidationError } from '../core/errors.ts';
import { rowId } from '../core/ids.ts';
import { generatedNames } from '@multiposting/plugin-sdk/host';
import { pluginState } from '../core/plugins/state.ts';
import { redactingLogger } from '@multiposting/plugin-sdk/host';
import {
  ExtensionInputError,
  type ExtensionContext,
  type ExtensionOperation,
  type ExtensionUser,
} from '@multiposting/plugin-sdk';
import type { BoardPlugin } from '@multiposting/plugin-sdk';
import { builder } from './builder.ts';
import { viewerOf, type Context } from './context.ts';
import { ContractRef } from './contracts.ts';
import { JobRef } from './jobs.ts';
import { UserRef } from './users.ts';

/** The JSON Schema zod gives for an operation's arguments or result: the subset GraphQL types are made from. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  description?: string;
  /** From zod's `.meta({ title })`: the GraphQL name of an object or enum, shared by every field that uses it. */
  title?: string;
  /** Set by the SDK's nodeId(): the field holds a global id of this type. */
  node?: 'User' | 'Job' | 'Contract';
}

const NODE_REFS = { User: UserRef, Job: JobRef, Contract: ContractRef };

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A schema and whether it admits null (zod writes `type: [x, "null"]` or `anyOf: [x, {type: "null"}]`). */
function unwrap(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = schema.type.filter((type) => type !== 'null');
    return { schema: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const options = schema.anyOf?.filter((option) => option.type !== 'null');
  if (schema.anyOf && options?.length === 1) {
    return {
      schema: { ...options[0], description: schema.description ?? options[0]!.description },
      nullable: options.length < schema.anyOf.length,
    };
  }
  return { schema, nullable: false };
}

type Direction = 'input' | 'output';

/** Types named with a title, made once: `direction:name`. */
const titledTypes = new Map<string, unknown>();

/**
 * The GraphQL type of one schema, creating the enum, input and object types it needs under `name` (or the
 * schema's title, which must carry the plugin's prefix).
 */
function graphqlType(schema: JsonSchema, name: string, direction: Direction, prefix: string): unknown {
  if (!schema.title) return untitledType(schema, name, direction, prefix);
  if (!schema.title.startsWith(prefix))
    throw new Error(`${name}: the type name "${schema.title}" must start with the plugin's prefix ${prefix}`);
  const key = `${direction}:${schema.title}`;
  if (!titledTypes.has(key))
    titledTypes.set(
      key,
      untitledType(schema, direction === 'input' ? `${schema.title}Input` : schema.title, direction, prefix),
    );
  return titledTypes.get(key);
}

function untitledType(schema: JsonSchema, name: string, direction: Direction, prefix: string): unknown {
  if (schema.enum) {
    if (!schema.enum.every((value) => typeof value === 'string'))
      throw new Error(`${name}: only string enums can become GraphQL enums`);
    return builder.enumType(name, { values: schema.enum as string[] });
  }
  switch (schema.type) {
    case 'string':
      return schema.node ? 'ID' : 'String';
    case 'integer':
      return 'Int';
    case 'number':
      return 'Float';
    case 'boolean':
      return 'Boolean';
    case 'array': {
      if (!schema.items) throw new Error(`${name}: a list needs an item type`);
      const item = unwrap(schema.items);
      return { list: graphqlType(item.schema, name, direction, prefix), itemsNullable: item.nullable };
    }
    case 'object':
      return direction === 'input' ? inputObject(schema, name, prefix) : outputObject(schema, name, prefix);
    default:
      throw new Error(
        `${name}: the type ${JSON.stringify(schema.type ?? schema)} has no GraphQL form (use strings, numbers, booleans, enums, objects and lists)`,
      );
  }
}

type FieldOptions = { type: unknown; description?: string; nullable: boolean };

function fieldOptions(
  schema: JsonSchema,
  key: string,
  parent: JsonSchema,
  typeName: string,
  direction: Direction,
  prefix: string,
): FieldOptions {
  const { schema: inner, nullable } = unwrap(schema);
  return {
    type: graphqlType(inner, `${typeName}${upperFirst(key)}`, direction, prefix),
    description: inner.description,
    nullable: nullable || !(parent.required ?? []).includes(key),
  };
}

/** Pothos' list form: `[Item]` with the nullability of the list and of its items. */
function pothosType(options: FieldOptions, direction: Direction) {
  const type = options.type as { list?: unknown; itemsNullable?: boolean } | string;
  if (typeof type === 'object' && type !== null && 'list' in type) {
    const items = !type.itemsNullable;
    return direction === 'input'
      ? { type: [type.list], required: { list: !options.nullable, items } }
      : { type: [type.list], nullable: { list: options.nullable, items: !items } };
  }
  return direction === 'input' ? { type, required: !options.nullable } : { type, nullable: options.nullable };
}

function inputObject(schema: JsonSchema, name: string, prefix: string) {
  return builder.inputType(name, {
    ...(schema.title && schema.description ? { description: schema.description } : {}),
    fields: (t) =>
      Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, property]) => {
          const options = fieldOptions(property, key, schema, name, 'input', prefix);
          const node = unwrap(property).schema.node;
          if (node)
            return [
              key,
              t.globalID({ for: [NODE_REFS[node]], required: !options.nullable, description: options.description }),
            ];
          return [key, t.field({ ...pothosType(options, 'input'), description: options.description } as never)];
        }),
      ),
  });
}

function outputObject(schema: JsonSchema, name: string, prefix: string) {
  return builder.objectRef<Record<string, unknown>>(name).implement({
    ...(schema.title && schema.description ? { description: schema.description } : {}),
    fields: (t) =>
      Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, property]) => {
          const options = fieldOptions(property, key, schema, name, 'output', prefix);
          const node = unwrap(property).schema.node;
          const resolve = (parent: Record<string, unknown>) => {
            const value = parent[key] ?? null;
            return node && typeof value === 'string' ? encodeGlobalID(node, value) : value;
          };
          return [
            key,
            t.field({ ...pothosType(options, 'output'), description: options.description, resolve } as never),
          ];
        }),
      ),
  });
}

/** Global ids decoded by the relay plugin ({typename, id}) back to the plain ids the plugin's schema expects. */
function plainIds(value: unknown, schema: JsonSchema): unknown {
  const { schema: inner } = unwrap(schema);
  if (value === null || value === undefined) return value;
  if (inner.node) return (value as { id: string }).id;
  if (inner.type === 'array' && Array.isArray(value)) return value.map((item) => plainIds(item, inner.items ?? {}));
  if (inner.type === 'object' && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, field]) => field !== null && field !== undefined)
        .map(([key, field]) => [key, plainIds(field, inner.properties?.[key] ?? {})]),
    );
  }
  return value;
}

const toUser = (user: { id: string; email: string; name: string; role: string }): ExtensionUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role as ExtensionUser['role'],
});

async function extensionContext(plugin: BoardPlugin, context: Context): Promise<ExtensionContext> {
  const viewer = viewerOf(context);
  const select = { id: true, email: true, name: true, role: true } as const;
  const me = await context.prisma.user.findUniqueOrThrow({ where: { id: viewer.userId }, select });
  return {
    viewer: toUser(me),
    users: {
      find: async (id) => {
        const user = await context.prisma.user.findFirst({
          where: { id: rowId(id), organizationId: viewer.organizationId },
          select,
        });
        return user ? toUser(user) : null;
      },
    },
    state: pluginState(context.prisma, plugin.id, viewer.organizationId),
    log: redactingLogger(context.log.child({ board: plugin.id }), {}),
    http: (environment) => {
      if (!plugin.environments.includes(environment))
        throw new Error(`${plugin.name} has no environment ${environment}`);
      return context.boards.http(plugin, environment);
    },
    now: () => new Date(),
  };
}

function registerOperation(
  plugin: BoardPlugin,
  kind: 'query' | 'mutation',
  fieldName: string,
  operation: ExtensionOperation,
): void {
  const typeName = upperFirst(fieldName);
  const argsSchema = z.toJSONSchema(operation.args, { io: 'input' }) as JsonSchema;
  const resultSchema = z.toJSONSchema(operation.result, { io: 'output' }) as JsonSchema;
  const { prefix } = generatedNames(plugin.id);
  const Result = outputObject(resultSchema, `${typeName}Result`, prefix);
  const hasArgs = Object.keys(argsSchema.properties ?? {}).length > 0;
  const Input = hasArgs ? inputObject(argsSchema, `${typeName}Input`, prefix) : undefined;
  // The types are made at run time from the plugin's schemas, so Pothos cannot check them statically.
  type Define = (
    name: string,
    field: (t: { field(options: object): never; arg(options: object): unknown }) => never,
  ) => void;
  const root = builder as unknown as { queryField: Define; mutationField: Define };
  (kind === 'query' ? root.queryField : root.mutationField).call(builder, fieldName, (t) =>
    t.field({
      type: Result,
      description: `${operation.description.replace(/\.$/, '')}. From the ${plugin.name} plugin${operation.access === 'admin' ? '; admins only' : ''}.`,
      authScopes: operation.access === 'admin' ? { admin: true } : { authenticated: true },
      errors: { types: [ValidationError, BoardUnavailableError], union: { name: `${typeName}Payload` } },
      args: Input ? { input: t.arg({ type: Input, required: true }) } : {},
      resolve: async (_root: unknown, args: { input?: unknown }, context: Context) => {
        const input = parseInput(operation.args, plainIds(args.input ?? {}, argsSchema));
        const extension = await extensionContext(plugin, context);
        try {
          return await context.boards.guard(plugin, fieldName, {}, async () =>
            operation.result.parse(await operation.resolve(extension, input)),
          );
        } catch (error) {
          if (error instanceof ExtensionInputError)
            throw new ValidationError([{ path: ['input', ...error.path], message: error.message }]);
          throw error;
        }
      },
    }),
  );
}

/** Adds the queries and mutations a plugin declares in `extendSchema`. */
export function registerSchemaExtension(plugin: BoardPlugin): void {
  for (const [name, operation] of Object.entries(plugin.extendSchema?.queries ?? {}))
    registerOperation(plugin, 'query', name, operation);
  for (const [name, operation] of Object.entries(plugin.extendSchema?.mutations ?? {}))
    registerOperation(plugin, 'mutation', name, operation);
}

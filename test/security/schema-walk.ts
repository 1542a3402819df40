import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isEnumType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** The committed, printed schema: what clients see, and what these suites enumerate. */
export const SCHEMA: GraphQLSchema = buildSchema(
  readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'),
);

export function rootFields(root: 'Query' | 'Mutation' | 'Subscription'): GraphQLField<unknown, unknown>[] {
  const type = SCHEMA.getType(root);
  return isObjectType(type) ? Object.values(type.getFields()) : [];
}

/** Every place an ID goes into a field's arguments, as paths such as ['input', 'jobId'] (lists not included). */
export function idPositions(field: GraphQLField<unknown, unknown>): string[][] {
  const paths: string[][] = [];
  const walk = (type: GraphQLInputType, path: string[], seen: Set<string>) => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return;
    if (isScalarType(nullable) && nullable.name === 'ID') paths.push(path);
    if (isInputObjectType(nullable) && !seen.has(nullable.name)) {
      for (const inner of Object.values(nullable.getFields()))
        walk(inner.type, [...path, inner.name], new Set([...seen, nullable.name]));
    }
  };
  for (const argument of field.args) walk(argument.type, [argument.name], new Set());
  return paths;
}

export const valueAt = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>((inner, key) => (inner as Record<string, unknown> | undefined)?.[key], value);

/** Arguments a field cannot be selected without. */
const needsArguments = (field: GraphQLField<unknown, unknown>) =>
  field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined);

/**
 * A selection of everything reachable from `type` within `depth` levels of objects: every scalar, every object
 * field without required arguments, three rows of every connection, every member of unions and interfaces.
 */
export function selectAll(type: GraphQLOutputType, depth: number, alias = false): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (isAbstractType(named)) {
    // Members may have fields of one name and different types, which GraphQL refuses to merge: each gets an alias.
    const members = SCHEMA.getPossibleTypes(named).map(
      (member) => `... on ${member.name} ${selectAll(member, depth, true)}`,
    );
    return `{ __typename ${members.join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const parts = ['__typename'];
  for (const field of Object.values(named.getFields())) {
    if (needsArguments(field)) continue;
    const inner = getNamedType(field.type);
    const name = alias ? `${named.name}_${field.name}: ${field.name}` : field.name;
    if (isScalarType(inner) || isEnumType(inner)) {
      parts.push(name);
      continue;
    }
    if (depth <= 0) continue;
    const pageSize = field.args.some((argument) => argument.name === 'first') ? '(first: 3)' : '';
    parts.push(`${name}${pageSize} ${selectAll(field.type, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/** `query ($a: T!, ...) { field(a: $a, ...) { …everything… } }` for a root field, its arguments as variables. */
export function operationFor(
  kind: 'query' | 'mutation' | 'subscription',
  field: GraphQLField<unknown, unknown>,
  depth: number,
  selection?: string,
): string {
  const variables = field.args.map((argument) => `$${argument.name}: ${argument.type.toString()}`);
  const args = field.args.map((argument) => `${argument.name}: $${argument.name}`);
  const body = selection ?? selectAll(field.type, depth);
  return `${kind}${variables.length ? ` (${variables.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${body} }`;
}

/** Whether a result type name is one of the typed refusals (a member implementing Error, or ValidationError). */
export function isRefusal(typename: string | undefined): boolean {
  if (!typename) return false;
  const type = SCHEMA.getType(typename);
  return (
    typename === 'ValidationError' || (isObjectType(type) && type.getInterfaces().some((item) => item.name === 'Error'))
  );
}

import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { Kind, validate, visit, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Connection arguments that multiply what a field returns. */
const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last']);

/** What a document declares of its variables: the integer defaults, and whether one is a page size. */
interface SizeVariables {
  defaults: Record<string, number>;
  any: boolean;
}

/** Per parsed document (Yoga keeps one per operation text), so that a request does not walk its document again. */
const sizeVariablesOf = new WeakMap<DocumentNode, SizeVariables>();

function sizeVariables(document: DocumentNode): SizeVariables {
  let known = sizeVariablesOf.get(document);
  if (known) return known;
  known = { defaults: {}, any: false };
  const found = known;
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue?.kind === Kind.INT)
        found.defaults[node.variable.name.value] = Number(node.defaultValue.value);
    },
    Argument(node) {
      if (PAGE_SIZE_ARGUMENTS.has(node.name.value) && node.value.kind === Kind.VARIABLE) found.any = true;
    },
  });
  sizeVariablesOf.set(document, known);
  return known;
}

/** The cost rule's refusal of the operation with its page-size variables written in; none when within the limit. */
function refusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
): GraphQLError[] {
  const declared = sizeVariables(document);
  if (!declared.any) return [];
  // What will execute: the variables sent, else the defaults the operation declares for them.
  const values: Record<string, unknown> = { ...declared.defaults, ...variables };
  let written = false;
  const withSizes = visit(document, {
    Argument(node) {
      if (!PAGE_SIZE_ARGUMENTS.has(node.name.value) || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = values[node.value.name.value];
      if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
      written = true;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  if (!written) return [];
  const errors: GraphQLError[] = [];
  validate(schema, withSizes, [
    costLimitRule({
      maxCost,
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [(_context, error) => errors.push(error)],
    }),
  ]);
  return errors;
}

/**
 * GraphQL Armor's cost rule multiplies a connection's cost by a literal `first: 100` but cannot see a page size
 * passed as a variable (or its declared default), so `first: $n` would make any nesting cheap. Before each execution (validation results
 * are cached per document, whatever the variables), this runs the same rule on the operation with those
 * variables written in, and refuses it the same way when it costs more than `maxCost`.
 */
export function usePageSizeVariablesInCost(maxCost: number): Plugin {
  type Hook = NonNullable<Plugin['onExecute']> & NonNullable<Plugin['onSubscribe']>;
  const refuseOverCost: Hook = ({ args, setResultAndStopExecution }) => {
    const errors = refusal(args.schema, args.document, args.variableValues, maxCost);
    if (errors.length > 0) setResultAndStopExecution({ errors });
  };
  return { onExecute: refuseOverCost, onSubscribe: refuseOverCost };
}

import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';

/** How deep a JSON argument may nest: far beyond any board's fields, far below what would exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/** Whether a value nests at most `max` levels of objects and arrays; walked without recursion. */
function nestsWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}

/** Whether a literal nests at most `max` levels of objects and lists; walked without recursion. */
function literalNestsWithin(node: ValueNode, max: number): boolean {
  const stack: [ValueNode, number][] = [[node, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    const children =
      current.kind === 'ObjectValue'
        ? current.fields.map((field) => field.value)
        : current.kind === 'ListValue'
          ? current.values
          : [];
    if (children.length > 0 && depth >= max) return false;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * The JSON scalar, refusing values nested deeper than `max` as bad input: a value nested thousands of levels deep
 * would otherwise overflow the stack of whatever walks it later (validation, storage, logging) and answer 500.
 */
export function depthLimitedJson(json: GraphQLScalarType, max: number): GraphQLScalarType {
  const tooDeep = () => new GraphQLError(`JSON nested deeper than ${max} levels is refused.`);
  return new GraphQLScalarType({
    ...json.toConfig(),
    parseValue(value) {
      if (!nestsWithin(value, max)) throw tooDeep();
      return json.parseValue(value);
    },
    parseLiteral(node, variables) {
      if (!literalNestsWithin(node, max)) throw tooDeep();
      const value = json.parseLiteral(node, variables);
      if (!nestsWithin(value, max)) throw tooDeep();
      return value;
    },
  });
}

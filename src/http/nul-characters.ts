import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const NUL = '\u0000';

/** Walked without recursion: a variable nested thousands of levels deep must not overflow the stack here. */
function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes(NUL)) return true;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        if (key.includes(NUL)) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

function literalHoldsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

/**
 * PostgreSQL cannot store U+0000 in text or JSON, so a string holding it would fail deep in a resolver as an
 * unexpected error. It is refused before execution instead, whether it came as a variable or a literal.
 */
export function useRefuseNulCharacters(): Plugin {
  type Hook = NonNullable<Plugin['onExecute']> & NonNullable<Plugin['onSubscribe']>;
  const refuse: Hook = ({ args, setResultAndStopExecution }) => {
    if (!holdsNul(args.variableValues) && !literalHoldsNul(args.document)) return;
    setResultAndStopExecution({
      errors: [
        new GraphQLError('Text cannot contain the NUL character (U+0000).', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        }),
      ],
    });
  };
  return { onExecute: refuse, onSubscribe: refuse };
}

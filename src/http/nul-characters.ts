import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { holdsNul } from '../core/text.ts';

const NUL = '\u0000';

/** Per parsed document (Yoga keeps one per operation text), so that a request does not walk its document again. */
const literalsHoldNul = new WeakMap<DocumentNode, boolean>();

function literalHoldsNul(document: DocumentNode): boolean {
  const known = literalsHoldNul.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  literalsHoldNul.set(document, found);
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

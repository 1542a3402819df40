import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { unstorableCharacter } from '../core/text.ts';

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

/** Why a variable or literal cannot be stored, or null when every text can. */
function unstorable(args: { variableValues?: Record<string, unknown> | null; document: DocumentNode }): string | null {
  const inVariables = unstorableCharacter(args.variableValues);
  if (inVariables === 'NUL' || literalHoldsNul(args.document)) return 'Text cannot contain the NUL character (U+0000).';
  // GraphQL's parser already refuses such an escape in a literal; a JSON variable can still carry one.
  if (inVariables === 'HALF_PAIR')
    return 'Text cannot contain half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone).';
  return null;
}

/**
 * PostgreSQL cannot store U+0000 in text or JSON, nor half of a surrogate pair in JSON, so a string holding one
 * would fail deep in a resolver as an unexpected error. It is refused before execution instead, whether it came
 * as a variable or a literal.
 */
export function useRefuseNulCharacters(): Plugin {
  type Hook = NonNullable<Plugin['onExecute']> & NonNullable<Plugin['onSubscribe']>;
  const refuse: Hook = ({ args, setResultAndStopExecution }) => {
    const message = unstorable(args);
    if (!message) return;
    setResultAndStopExecution({
      errors: [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })],
    });
  };
  return { onExecute: refuse, onSubscribe: refuse };
}

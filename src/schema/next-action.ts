import type { NextAction } from '../core/next-action.ts';
import { builder } from './builder.ts';

const NextActionCodeEnum = builder.enumType('NextActionCode', {
  values: {
    NOTHING: { description: 'Nothing to do: live, or taken off as asked.' },
    WAIT_FOR_DELIVERY: { description: 'On its way to the board (or scheduled); nothing to do.' },
    WAIT_FOR_REVIEW: { description: 'The board reviews it; the answer arrives by itself.' },
    FIX_FIELDS: { description: 'The board refused or rejected it: correct it with updatePosting (no new credit).' },
    RETRY: { description: 'The board did not publish it: retryPosting once the cause is fixed.' },
    RECONNECT_CONTRACT: {
      description: 'The contract cannot be used (credentials, expiry, suspension): fix the contract.',
    },
    WITHDRAW_AGAIN: { description: 'The board did not take it off: withdrawPosting again.' },
    REPOST: { description: 'It ended on the board: repostPosting publishes it again (one credit).' },
    CONNECT: { description: 'The contract is not connected: connect it with the board credentials.' },
    WAIT_FOR_VERIFICATION: { description: 'The board has not confirmed the credentials yet; checked again by itself.' },
    UPDATE_CREDENTIALS: { description: 'The board refused the credentials: updateContract with new ones.' },
    CONTACT_BOARD: { description: 'The board suspended the account: only the board can lift it.' },
    RENEW_CONTRACT: { description: 'The contract has ended or ends soon: renew it with the board, then its dates.' },
    ADD_CREDITS: { description: 'No credits left: buy more from the board, then updateContract.' },
    PASS_ACCEPTANCE: {
      description:
        'The board opens its production environment once it has approved a test posting made through this contract: publish one.',
    },
  } as const,
});

export const NextActionRef = builder.objectRef<NextAction>('NextAction').implement({
  description: 'What to do about a posting or a contract now.',
  fields: (t) => ({
    code: t.field({ type: NextActionCodeEnum, resolve: (action) => action.code }),
    message: t.exposeString('message'),
  }),
});

import { expect, test } from 'vitest';
import {
  type ContractFacts,
  contractNextAction,
  type PostingFacts,
  postingNextAction,
} from '../../src/core/next-action.ts';

const facts = (changes: Partial<PostingFacts>): PostingFacts => ({
  status: 'PUBLISHED',
  boardName: 'TopCV',
  lastError: null,
  rejectionReason: null,
  fieldErrors: 0,
  publishAt: null,
  updatedAt: new Date('2026-11-26T08:00:00Z'),
  withdrawalQueued: false,
  withdrawalFailed: false,
  contractStatus: 'ACTIVE',
  ...changes,
});

test.each([
  [{ status: 'QUEUED' }, 'WAIT_FOR_DELIVERY', 'On its way to TopCV.'],
  [
    { status: 'QUEUED', lastError: 'TopCV did not answer in time.' },
    'WAIT_FOR_DELIVERY',
    'On its way to TopCV; the last try failed (TopCV did not answer in time.) and is retried.',
  ],
  [
    { status: 'PENDING_REVIEW' },
    'WAIT_FOR_REVIEW',
    "Waiting for TopCV's review since 2026-11-26 08:00 UTC; the answer arrives by itself.",
  ],
  [{ status: 'PUBLISHED' }, 'NOTHING', 'Live on TopCV.'],
  [
    { status: 'PUBLISHED', withdrawalQueued: true },
    'WAIT_FOR_DELIVERY',
    'Live; the withdrawal is on its way to TopCV.',
  ],
  [
    { status: 'PUBLISHED', withdrawalFailed: true, lastError: 'HTTP 500' },
    'WITHDRAW_AGAIN',
    'TopCV did not take the posting off (HTTP 500): withdraw it again.',
  ],
  [
    { status: 'FAILED', lastError: 'TopCV is down.' },
    'RETRY',
    'TopCV did not publish it (TopCV is down.): retry it once the cause is fixed.',
  ],
  [
    { status: 'REJECTED', rejectionReason: 'Thiếu mức lương' },
    'FIX_FIELDS',
    'TopCV rejected it: Thiếu mức lương. Correct it with updatePosting (no new credit), or repost it.',
  ],
  [{ status: 'EXPIRED' }, 'REPOST', 'Ended on TopCV: repost it to publish it again (one credit).'],
  [
    { status: 'PENDING_REVIEW', contractStatus: 'INVALID_CREDENTIALS' },
    'RECONNECT_CONTRACT',
    'The TopCV contract is INVALID_CREDENTIALS: update its credentials or dates before anything else reaches TopCV.',
  ],
] as [Partial<PostingFacts>, string, string][])('%j → %s', (changes, code, message) => {
  expect(postingNextAction(facts(changes))).toEqual({ code, message });
});

const contract = (changes: Partial<ContractFacts>): ContractFacts => ({
  status: 'ACTIVE',
  boardName: 'Le Forem',
  statusReason: null,
  expiresAt: null,
  creditsRemaining: null,
  ...changes,
});
const NOW = new Date('2026-11-26T08:00:00Z');

test.each([
  [{ status: 'NOT_CONFIGURED' }, 'CONNECT'],
  [{ status: 'DISCONNECTED' }, 'CONNECT'],
  [{ status: 'PENDING_VERIFICATION', statusReason: 'Le Forem did not answer in time.' }, 'WAIT_FOR_VERIFICATION'],
  [{ status: 'INVALID_CREDENTIALS', statusReason: 'The API key was refused.' }, 'UPDATE_CREDENTIALS'],
  [{ status: 'SUSPENDED', statusReason: 'Quality rate below 60 %.' }, 'CONTACT_BOARD'],
  [{ status: 'EXPIRED' }, 'RENEW_CONTRACT'],
  [{ creditsRemaining: 0 }, 'ADD_CREDITS'],
  [{ opensAfterApproval: 'PRODUCTION' }, 'PASS_ACCEPTANCE'],
  [{ status: 'PENDING_VERIFICATION', opensAfterApproval: 'PRODUCTION' }, 'WAIT_FOR_VERIFICATION'],
  [{ expiresAt: new Date('2026-12-03T00:00:00Z') }, 'RENEW_CONTRACT'],
  [{ expiresAt: new Date('2027-06-01T00:00:00Z'), creditsRemaining: 3 }, 'NOTHING'],
  [{}, 'NOTHING'],
] as [Partial<ContractFacts>, string][])('a contract %o: %s', (changes, code) => {
  const action = contractNextAction(contract(changes), NOW);
  expect(action.code).toBe(code);
  if (changes.statusReason) expect(action.message).toContain(changes.statusReason);
});

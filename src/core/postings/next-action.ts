import type { ContractStatus, PostingStatus } from '../../db/generated/prisma/client.ts';

/** What a recruiter should do about a posting, or that nothing is needed: a code for a frontend, words for people. */
export interface NextAction {
  code:
    | 'NOTHING'
    | 'WAIT_FOR_DELIVERY'
    | 'WAIT_FOR_REVIEW'
    | 'FIX_FIELDS'
    | 'RETRY'
    | 'RECONNECT_CONTRACT'
    | 'WITHDRAW_AGAIN'
    | 'REPOST';
  message: string;
}

export interface PostingFacts {
  status: PostingStatus;
  boardName: string;
  lastError: string | null;
  rejectionReason: string | null;
  fieldErrors: number;
  publishAt: Date | null;
  updatedAt: Date;
  withdrawalQueued: boolean;
  withdrawalFailed: boolean;
  contractStatus: ContractStatus;
}

const day = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16);

/** The next action for a posting, from its status and what the board last said. */
export function postingNextAction(posting: PostingFacts): NextAction {
  const board = posting.boardName;
  if (
    ['INVALID_CREDENTIALS', 'EXPIRED', 'SUSPENDED'].includes(posting.contractStatus) &&
    posting.status !== 'WITHDRAWN'
  )
    return {
      code: 'RECONNECT_CONTRACT',
      message: `The ${board} contract is ${posting.contractStatus}: update its credentials or dates before anything else reaches ${board}.`,
    };
  if (posting.withdrawalFailed && posting.status !== 'WITHDRAWN')
    return {
      code: 'WITHDRAW_AGAIN',
      message: `${board} did not take the posting off${posting.lastError ? ` (${posting.lastError})` : ''}: withdraw it again.`,
    };
  switch (posting.status) {
    case 'DRAFT':
    case 'QUEUED':
      return {
        code: 'WAIT_FOR_DELIVERY',
        message: posting.publishAt
          ? `Scheduled: it goes to ${board} at ${day(posting.publishAt)} UTC.`
          : `On its way to ${board}${posting.lastError ? `; the last try failed (${posting.lastError}) and is retried` : ''}.`,
      };
    case 'SUBMITTED':
    case 'UPDATE_QUEUED':
      return { code: 'WAIT_FOR_DELIVERY', message: `Being sent to ${board}.` };
    case 'PENDING_REVIEW':
      return {
        code: 'WAIT_FOR_REVIEW',
        message: `Waiting for ${board}'s review since ${day(posting.updatedAt)} UTC; the answer arrives by itself.`,
      };
    case 'PUBLISHED':
      return posting.withdrawalQueued
        ? { code: 'WAIT_FOR_DELIVERY', message: `Live; the withdrawal is on its way to ${board}.` }
        : { code: 'NOTHING', message: `Live on ${board}.` };
    case 'FAILED':
      return posting.fieldErrors > 0
        ? {
            code: 'FIX_FIELDS',
            message: `${board} refused some fields: correct them with updatePosting (no new credit).`,
          }
        : {
            code: 'RETRY',
            message: `${board} did not publish it${posting.lastError ? ` (${posting.lastError})` : ''}: retry it once the cause is fixed.`,
          };
    case 'REJECTED':
      return {
        code: 'FIX_FIELDS',
        message: `${board} rejected it${posting.rejectionReason ? `: ${posting.rejectionReason}` : ''}. Correct it with updatePosting (no new credit), or repost it.`,
      };
    case 'EXPIRED':
      return { code: 'REPOST', message: `Ended on ${board}: repost it to publish it again (one credit).` };
    case 'WITHDRAWN':
      return { code: 'NOTHING', message: `Taken off ${board}.` };
  }
}

import type { Prisma, PrismaClient } from '../db/database.ts';
import type { Contract, ContractStatus, PostingStatus } from '../db/generated/prisma/client.ts';
import { boardName, opensAfterApproval } from './boards.ts';
import { effectiveStatus } from './contracts/contracts.ts';
import { creditBalance } from './credits.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** What a recruiter should do about a posting or a contract, or that nothing is needed: a code for a frontend, words for people. */
export interface NextAction {
  code:
    | 'NOTHING'
    | 'WAIT_FOR_DELIVERY'
    | 'WAIT_FOR_REVIEW'
    | 'FIX_FIELDS'
    | 'RETRY'
    | 'RECONNECT_CONTRACT'
    | 'WITHDRAW_AGAIN'
    | 'REPOST'
    | 'CONNECT'
    | 'WAIT_FOR_VERIFICATION'
    | 'UPDATE_CREDENTIALS'
    | 'CONTACT_BOARD'
    | 'RENEW_CONTRACT'
    | 'ADD_CREDITS'
    | 'PASS_ACCEPTANCE';
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

export interface ContractFacts {
  status: ContractStatus;
  boardName: string;
  statusReason: string | null;
  expiresAt: Date | null;
  /** Credits left; null for a contract without a limit. */
  creditsRemaining: number | null;
  /** The environment the board opens once it approves a posting made through this contract, while none was. */
  opensAfterApproval?: string | null;
}

/** A contract that ends within this many days is announced as ending, so it can be renewed in time. */
const RENEW_WITHIN_DAYS = 14;

/** The next action for a contract, from its status, dates and credits. */
export function contractNextAction(contract: ContractFacts, now = new Date()): NextAction {
  const board = contract.boardName;
  const because = contract.statusReason ? ` (${contract.statusReason})` : '';
  switch (contract.status) {
    case 'NOT_CONFIGURED':
    case 'DISCONNECTED':
      return { code: 'CONNECT', message: `Not connected: connect it with your ${board} credentials to publish there.` };
    case 'PENDING_VERIFICATION':
      return {
        code: 'WAIT_FOR_VERIFICATION',
        message: `${board} has not confirmed the credentials yet${because}; the check is repeated by itself.`,
      };
    case 'INVALID_CREDENTIALS':
      return { code: 'UPDATE_CREDENTIALS', message: `${board} refused the credentials${because}: update them.` };
    case 'SUSPENDED':
      return { code: 'CONTACT_BOARD', message: `${board} suspended the account${because}: contact ${board}.` };
    case 'EXPIRED':
      return {
        code: 'RENEW_CONTRACT',
        message: `The contract has ended: renew it with ${board}, then update its dates.`,
      };
    case 'ACTIVE':
      break;
  }
  if (contract.opensAfterApproval)
    return {
      code: 'PASS_ACCEPTANCE',
      message: `${board} opens ${contract.opensAfterApproval} once it has approved one of your postings here: publish a test posting and wait for its approval.`,
    };
  if (contract.creditsRemaining === 0)
    return {
      code: 'ADD_CREDITS',
      message: `No credits left: buy more from ${board}, then update the contract's credits.`,
    };
  const daysLeft = contract.expiresAt ? (contract.expiresAt.getTime() - now.getTime()) / 86_400_000 : Infinity;
  if (daysLeft <= RENEW_WITHIN_DAYS)
    return {
      code: 'RENEW_CONTRACT',
      message: `The contract ends on ${day(contract.expiresAt!)} UTC: renew it with ${board} to keep publishing.`,
    };
  return { code: 'NOTHING', message: `Ready to publish on ${board}.` };
}

/** What a posting's next action is computed from, as a Prisma select over the posting (one query). */
export const postingOutlookSelect = {
  id: true,
  status: true,
  boardId: true,
  lastError: true,
  rejectionReason: true,
  fieldErrors: true,
  publishAt: true,
  updatedAt: true,
  contract: { select: { status: true, expiresAt: true } },
  boardOutbox: {
    where: { operation: 'WITHDRAW' },
    orderBy: { createdAt: 'desc' },
    take: 1,
    select: { status: true },
  },
} satisfies Prisma.PostingSelect;

export type PostingOutlookRow = Prisma.PostingGetPayload<{ select: typeof postingOutlookSelect }>;

/** A posting's reason (the board's rejection, or why the last call failed) and its next action. */
export function postingOutlook(posting: PostingOutlookRow): { reason: string | null; nextAction: NextAction } {
  const withdrawal = posting.boardOutbox[0]?.status;
  return {
    reason: posting.rejectionReason ?? posting.lastError,
    nextAction: postingNextAction({
      status: posting.status,
      boardName: boardName(posting.boardId),
      lastError: posting.lastError,
      rejectionReason: posting.rejectionReason,
      fieldErrors: Array.isArray(posting.fieldErrors) ? posting.fieldErrors.length : 0,
      publishAt: posting.publishAt,
      updatedAt: posting.updatedAt,
      withdrawalQueued: withdrawal === 'PENDING' || withdrawal === 'PROCESSING',
      withdrawalFailed: withdrawal === 'FAILED',
      contractStatus: effectiveStatus(posting.contract),
    }),
  };
}

type OutlookContract = Pick<
  Contract,
  'id' | 'organizationId' | 'boardId' | 'environment' | 'status' | 'statusReason' | 'expiresAt' | 'creditsTotal'
>;

/**
 * The environment the contract's board opens once it approves a posting made in the contract's environment, while
 * the organisation has no such approval yet (null otherwise).
 */
export async function acceptancePending(db: Db, contract: OutlookContract): Promise<string | null> {
  return (await acceptancesPending(db, [contract]))[0]!;
}

type AcceptanceContract = Pick<OutlookContract, 'organizationId' | 'boardId' | 'environment'>;

/** acceptancePending for each contract, in order: one statement for all those whose board has such a gate. */
export async function acceptancesPending(db: Db, contracts: readonly AcceptanceContract[]): Promise<(string | null)[]> {
  const opens = contracts.map((contract) => opensAfterApproval(contract.boardId, contract.environment));
  const gated = contracts.filter((_contract, index) => opens[index]);
  const key = (contract: AcceptanceContract) =>
    `${contract.organizationId}\n${contract.boardId}\n${contract.environment}`;
  const approved = new Set<string>();
  if (gated.length > 0) {
    const rows = await db.$queryRaw<AcceptanceContract[]>`
      SELECT DISTINCT k.organization_id::text AS "organizationId", k.board_id AS "boardId", k.environment
      FROM unnest(${gated.map((c) => c.organizationId)}::uuid[], ${gated.map((c) => c.boardId)}::text[],
                  ${gated.map((c) => c.environment)}::text[]) AS k(organization_id, board_id, environment)
      WHERE EXISTS (
        SELECT 1 FROM posting_event AS e
        JOIN posting AS p ON p.id = e.posting_id
        JOIN contract AS c ON c.id = p.contract_id
        WHERE e.to_status = 'PUBLISHED' AND p.organization_id = k.organization_id AND p.board_id = k.board_id
          AND c.environment = k.environment
      )`;
    for (const row of rows) approved.add(key(row));
  }
  return contracts.map((contract, index) => (approved.has(key(contract)) ? null : (opens[index] ?? null)));
}

/** A contract's reason (what the board said) and its next action. */
export async function contractOutlook(
  db: Db,
  contract: OutlookContract,
): Promise<{ reason: string | null; nextAction: NextAction }> {
  return {
    reason: contract.statusReason,
    nextAction: contractNextAction({
      status: effectiveStatus(contract),
      boardName: boardName(contract.boardId),
      statusReason: contract.statusReason,
      expiresAt: contract.expiresAt,
      creditsRemaining: (await creditBalance(db, contract)).remaining,
      opensAfterApproval: await acceptancePending(db, contract),
    }),
  };
}

import type { PrismaClient } from '../db/database.ts';

/** What a posting, a contract or a board brought in a period, and what it cost. */
export interface SourceFigures {
  /** Views of the hosted application page in the period (UTC days), for postings of feed boards. */
  views: number;
  applications: number;
  uniqueCandidates: number;
  /** Credits consumed in the period (publications the board took). */
  creditsSpent: number;
  /**
   * The credits' cost at their contracts' purchase price (amount ÷ credits bought); null when nothing was spent, or
   * a contract has no price, or the prices are in several currencies.
   */
  cost: { amount: string; currency: string } | null;
  /** Cost ÷ applications; null without a cost or an application. */
  costPerApplication: { amount: string; currency: string } | null;
}

export interface PostingFigures extends SourceFigures {
  postingId: string;
  contractId: string;
  boardId: string;
  /** From the publication to the first application ever, in seconds; null before either. */
  secondsToFirstApplication: number | null;
}
export interface ContractFigures extends SourceFigures {
  contractId: string;
  boardId: string;
}
export interface BoardFigures extends SourceFigures {
  boardId: string;
}

export interface Analytics {
  byPosting: PostingFigures[];
  byContract: ContractFigures[];
  byBoard: BoardFigures[];
}

interface ContractRow {
  contract_id: string;
  board_id: string;
  views: number;
  applications: number;
  unique_candidates: number;
  credits_spent: number;
  price_per_credit: string | null;
  currency: string | null;
}

const money = (amount: number, currency: string) => ({ amount: amount.toFixed(2), currency });

/** The cost of the credits spent, when each contract they came from has a price, all in one currency. */
function costs(applications: number, parts: { credits: number; price: string | null; currency: string | null }[]) {
  const spent = parts.filter((part) => part.credits > 0);
  const currencies = new Set(spent.map((part) => part.currency));
  if (spent.length === 0 || spent.some((part) => part.price === null) || currencies.size !== 1)
    return { cost: null, costPerApplication: null };
  const currency = [...currencies][0]!;
  const amount = spent.reduce((sum, part) => sum + part.credits * Number(part.price), 0);
  return {
    cost: money(amount, currency),
    costPerApplication: applications > 0 ? money(amount / applications, currency) : null,
  };
}

interface PostingRow extends ContractRow {
  posting_id: string;
  seconds_to_first: number | null;
}

interface Period {
  organizationId: string;
  from: Date;
  to: Date;
}

/** Each posting of the organisation with its figures for the period (one statement). */
const postingRows = (prisma: PrismaClient, { organizationId, from, to }: Period) =>
  prisma.$queryRaw<PostingRow[]>`
    SELECT p.id::text AS posting_id, p.contract_id::text AS contract_id, p.board_id,
      (SELECT coalesce(sum(v.views), 0)::int FROM posting_view v WHERE v.posting_id = p.id
        AND v.day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date AND v.day <= (${to}::timestamptz AT TIME ZONE 'UTC')::date) AS views,
      (SELECT count(*)::int FROM application a WHERE a.posting_id = p.id AND a.applied_at >= ${from} AND a.applied_at < ${to}) AS applications,
      (SELECT count(DISTINCT a.candidate_id)::int FROM application a
        WHERE a.posting_id = p.id AND a.applied_at >= ${from} AND a.applied_at < ${to}) AS unique_candidates,
      (SELECT count(*)::int FROM credit_entry c WHERE c.contract_id = p.contract_id AND c.kind = 'CONSUME'
        AND (c.reference = p.id::text OR c.reference LIKE p.id::text || ':%')
        AND c.created_at >= ${from} AND c.created_at < ${to}) AS credits_spent,
      (k.purchase_price_amount / NULLIF(k.credits_total, 0))::text AS price_per_credit, k.purchase_price_currency AS currency,
      EXTRACT(EPOCH FROM (SELECT min(a.applied_at) FROM application a WHERE a.posting_id = p.id)
        - (SELECT min(e.created_at) FROM posting_event e WHERE e.posting_id = p.id AND e.to_status = 'PUBLISHED'))::float AS seconds_to_first
    FROM posting p JOIN contract k ON k.id = p.contract_id
    WHERE p.organization_id = ${organizationId}::uuid
    ORDER BY p.created_at, p.id`;

/** Each contract of the organisation with its figures for the period (one statement). */
const contractRows = (prisma: PrismaClient, { organizationId, from, to }: Period) =>
  prisma.$queryRaw<ContractRow[]>`
    SELECT k.id::text AS contract_id, k.board_id,
      (SELECT coalesce(sum(v.views), 0)::int FROM posting_view v JOIN posting p ON p.id = v.posting_id WHERE p.contract_id = k.id
        AND v.day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date AND v.day <= (${to}::timestamptz AT TIME ZONE 'UTC')::date) AS views,
      (SELECT count(*)::int FROM application a WHERE a.contract_id = k.id AND a.applied_at >= ${from} AND a.applied_at < ${to}) AS applications,
      (SELECT count(DISTINCT a.candidate_id)::int FROM application a
        WHERE a.contract_id = k.id AND a.applied_at >= ${from} AND a.applied_at < ${to}) AS unique_candidates,
      (SELECT count(*)::int FROM credit_entry c WHERE c.contract_id = k.id AND c.kind = 'CONSUME'
        AND c.created_at >= ${from} AND c.created_at < ${to}) AS credits_spent,
      (k.purchase_price_amount / NULLIF(k.credits_total, 0))::text AS price_per_credit, k.purchase_price_currency AS currency
    FROM contract k WHERE k.organization_id = ${organizationId}::uuid
    ORDER BY k.created_at, k.id`;

/** Unique candidates per board (one statement): a candidate who applied through two contracts counts once. */
const boardCandidates = (prisma: PrismaClient, { organizationId, from, to }: Period) =>
  prisma.$queryRaw<{ board_id: string; unique_candidates: number }[]>`
    SELECT a.board_id, count(DISTINCT a.candidate_id)::int AS unique_candidates FROM application a
    WHERE a.organization_id = ${organizationId}::uuid AND a.applied_at >= ${from} AND a.applied_at < ${to}
    GROUP BY a.board_id`;

/**
 * An organisation's figures per posting, per contract and per board for applications made in [from, to) and
 * credits consumed then: three statements, whatever the number of postings.
 */
export async function analytics(
  prisma: PrismaClient,
  organizationId: string,
  from: Date,
  to: Date,
): Promise<Analytics> {
  const period = { organizationId, from, to };
  const [postings, contracts, boards] = await Promise.all([
    postingRows(prisma, period),
    contractRows(prisma, period),
    boardCandidates(prisma, period),
  ]);
  const part = (row: { credits_spent: number; price_per_credit: string | null; currency: string | null }) => ({
    credits: row.credits_spent,
    price: row.price_per_credit,
    currency: row.currency,
  });
  const figures = (row: ContractRow, parts = [part(row)]) => ({
    views: row.views,
    applications: row.applications,
    uniqueCandidates: row.unique_candidates,
    creditsSpent: row.credits_spent,
    ...costs(row.applications, parts),
  });
  const byBoardId = new Map<string, ContractRow[]>();
  for (const row of contracts) byBoardId.set(row.board_id, [...(byBoardId.get(row.board_id) ?? []), row]);
  const unique = new Map(boards.map((row) => [row.board_id, row.unique_candidates]));
  return {
    byPosting: postings.map((row) => ({
      postingId: row.posting_id,
      contractId: row.contract_id,
      boardId: row.board_id,
      secondsToFirstApplication: row.seconds_to_first === null ? null : Math.max(0, Math.round(row.seconds_to_first)),
      ...figures(row),
    })),
    byContract: contracts.map((row) => ({ contractId: row.contract_id, boardId: row.board_id, ...figures(row) })),
    byBoard: [...byBoardId].map(([boardId, rows]) => {
      const applications = rows.reduce((sum, row) => sum + row.applications, 0);
      const creditsSpent = rows.reduce((sum, row) => sum + row.credits_spent, 0);
      return {
        boardId,
        views: rows.reduce((sum, row) => sum + row.views, 0),
        applications,
        uniqueCandidates: unique.get(boardId) ?? 0,
        creditsSpent,
        ...costs(applications, rows.map(part)),
      };
    }),
  };
}

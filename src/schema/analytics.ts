import {
  analytics,
  type BoardFigures,
  type ContractFigures,
  type PostingFigures,
  type SourceFigures,
} from '../core/analytics.ts';
import { ValidationError } from '../core/errors.ts';
import { BoardRef } from './boards.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { ContractRef, MoneyRef } from './contracts.ts';
import { PostingRef } from './postings.ts';

const FiguresRef = builder.interfaceRef<SourceFigures>('Figures').implement({
  description: 'What a posting, a contract or a board brought in the period, and what it cost.',
  fields: (t) => ({
    views: t.exposeInt('views', {
      description:
        'Views of the hosted application page in the period (whole UTC days), for postings of feed boards; boards do not report theirs yet.',
    }),
    applications: t.exposeInt('applications', { description: 'Applications made in the period.' }),
    uniqueCandidates: t.exposeInt('uniqueCandidates', { description: 'Different candidates among them.' }),
    creditsSpent: t.exposeInt('creditsSpent', { description: 'Credits consumed in the period.' }),
    cost: t.field({
      type: MoneyRef,
      nullable: true,
      description:
        "The credits' cost at the purchase price (amount ÷ credits bought); null when nothing was spent, a contract has no price, or prices are in several currencies.",
      resolve: (figures) => figures.cost,
    }),
    costPerApplication: t.field({ type: MoneyRef, nullable: true, resolve: (figures) => figures.costPerApplication }),
  }),
});

const PostingFiguresRef = builder.objectRef<PostingFigures>('PostingFigures').implement({
  interfaces: [FiguresRef],
  fields: (t) => ({
    posting: t.prismaField({
      type: PostingRef,
      resolve: (query, figures, _args, context) =>
        context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: figures.postingId } }),
    }),
    board: t.field({
      type: BoardRef,
      nullable: true,
      resolve: (figures, _a, context) => context.boards.get(figures.boardId) ?? null,
    }),
    secondsToFirstApplication: t.exposeInt('secondsToFirstApplication', {
      nullable: true,
      description: 'From the publication to its first application (ever); null before either.',
    }),
  }),
});

const ContractFiguresRef = builder.objectRef<ContractFigures>('ContractFigures').implement({
  interfaces: [FiguresRef],
  fields: (t) => ({
    contract: t.prismaField({
      type: ContractRef,
      resolve: (query, figures, _args, context) =>
        context.prisma.contract.findUniqueOrThrow({ ...query, where: { id: figures.contractId } }),
    }),
  }),
});

const BoardFiguresRef = builder.objectRef<BoardFigures>('BoardFigures').implement({
  interfaces: [FiguresRef],
  fields: (t) => ({
    boardId: t.exposeString('boardId'),
    board: t.field({
      type: BoardRef,
      nullable: true,
      resolve: (figures, _a, context) => context.boards.get(figures.boardId) ?? null,
    }),
  }),
});

const AnalyticsRef = builder
  .objectRef<Awaited<ReturnType<typeof analytics>> & { from: Date; to: Date }>('Analytics')
  .implement({
    description: 'Which posting, contract and board brought applications in a period, and at what cost.',
    fields: (t) => ({
      from: t.expose('from', { type: 'DateTime' }),
      to: t.expose('to', { type: 'DateTime' }),
      byPosting: t.field({
        type: [PostingFiguresRef],
        args: { first: t.arg.int({ defaultValue: 50, description: 'At most 500; the oldest postings first.' }) },
        resolve: (figures, { first }) => figures.byPosting.slice(0, Math.min(Math.max(first ?? 50, 0), 500)),
      }),
      byContract: t.field({ type: [ContractFiguresRef], resolve: (figures) => figures.byContract }),
      byBoard: t.field({ type: [BoardFiguresRef], resolve: (figures) => figures.byBoard }),
    }),
  });

builder.queryField('analytics', (t) =>
  t.field({
    type: AnalyticsRef,
    description:
      'Applications, unique candidates, time to the first application, credits and their cost, for [from, to).',
    errors: { types: [ValidationError] },
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, { from, to }, context) => {
      if (to <= from) throw new ValidationError([{ path: ['to'], message: 'must be after from' }]);
      return { from, to, ...(await analytics(context.prisma, viewerOf(context).organizationId, from, to)) };
    },
  }),
);

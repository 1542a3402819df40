import { recordOwnSiteApplication } from '../core/candidates/attribution.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { builder } from './builder.ts';
import { viewerOf } from './context.ts';
import { PostingRef } from './postings.ts';

const RecordedCandidateInput = builder.inputType('RecordedCandidateInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string(),
    phone: t.string(),
  }),
});

const RecordApplicationInput = builder.inputType('RecordApplicationInput', {
  description: "An application made on the organisation's own site through an apply link handed to a board.",
  fields: (t) => ({
    posting: t.string({
      required: true,
      description:
        'The `posting` value of the apply link the candidate followed (links also carry `source`, the board).',
    }),
    applicationId: t.string({
      required: true,
      description: 'Your id of the application: reporting it again records it once.',
    }),
    candidate: t.field({ type: RecordedCandidateInput, required: true }),
    appliedAt: t.field({ type: 'DateTime', description: 'Now when omitted.' }),
  }),
});

const RecordedApplication = builder
  .objectRef<{ duplicate: boolean; postingId: string }>('RecordedApplication')
  .implement({
    description:
      "The application is in the inbox: it arrives as a candidate of the posting's job (candidateReceived), attributed to the posting and its board.",
    fields: (t) => ({
      duplicate: t.exposeBoolean('duplicate', { description: 'It was reported before; nothing was added.' }),
      posting: t.prismaField({
        type: PostingRef,
        resolve: (query, recorded, _args, context) =>
          context.prisma.posting.findUniqueOrThrow({ ...query, where: { id: recorded.postingId } }),
      }),
    }),
  });

builder.mutationField('recordApplication', (t) =>
  t.field({
    type: RecordedApplication,
    description:
      "Reports an application made on your own site through one of our apply links (the callback of docs/attribution.md): it is attributed to the link's posting and board.",
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: RecordApplicationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { stored, postingId } = await recordOwnSiteApplication(context, viewerOf(context), {
        posting: input.posting,
        applicationId: input.applicationId,
        candidate: {
          name: input.candidate.name,
          ...(input.candidate.email ? { email: input.candidate.email } : {}),
          ...(input.candidate.phone ? { phone: input.candidate.phone } : {}),
        },
        ...(input.appliedAt ? { appliedAt: input.appliedAt } : {}),
      });
      return { duplicate: !stored, postingId };
    },
  }),
);

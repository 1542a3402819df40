import { z } from 'zod';
import { CAPABILITIES, type BoardPlugin, type CredentialField } from '@multiposting/plugin-sdk';
import { countryName } from '../core/codes.ts';
import { rowId } from '../core/ids.ts';
import { postingJob } from '../core/jobs.ts';
import { viewerOf } from './context.ts';
import { generatedNames } from '@multiposting/plugin-sdk/host';
import { builder } from './builder.ts';

const CapabilityEnum = builder.enumType('BoardCapability', {
  values: CAPABILITIES.map((value) => value.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()),
});

const CredentialFieldTypeEnum = builder.enumType('CredentialFieldType', {
  values: ['STRING', 'NUMBER', 'BOOLEAN', 'EMAIL', 'URL', 'ENUM'] as const,
});

const CredentialFieldRef = builder.objectRef<CredentialField>('CredentialFieldDescriptor').implement({
  description: "One field of a board's connect form, enough to render it.",
  fields: (t) => ({
    key: t.exposeString('key', { description: "The field's name in the board's credentials input." }),
    label: t.exposeString('label'),
    help: t.exposeString('help', { nullable: true }),
    type: t.field({ type: CredentialFieldTypeEnum, resolve: (field) => field.type.toUpperCase() as 'STRING' }),
    required: t.exposeBoolean('required'),
    secret: t.exposeBoolean('secret', {
      description: 'Write-only: the API never returns its value, only whether it is set and a hint.',
    }),
    options: t.exposeStringList('options', { nullable: true, description: 'The allowed values of an ENUM field.' }),
    pattern: t.string({
      nullable: true,
      description: 'A regular expression the whole value must match.',
      resolve: (field) => field.pattern?.regex ?? null,
    }),
    patternMessage: t.string({ nullable: true, resolve: (field) => field.pattern?.message ?? null }),
  }),
});

const ConfirmationRef = builder.objectRef<{ key: string; label: string }>('BoardConfirmation').implement({
  description: 'A statement the customer must confirm to connect; a required Boolean of the connect input.',
  fields: (t) => ({ key: t.exposeString('key'), label: t.exposeString('label') }),
});

export const BoardRef = builder.objectRef<BoardPlugin>('Board').implement({
  description: 'A job board, provided by a board plugin.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The plugin id, e.g. "le-forem". Never changes.' }),
    name: t.exposeString('name'),
    version: t.exposeString('version', { description: 'Version of the board plugin.' }),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2 code.' }),
    countryName: t.string({ resolve: (board) => countryName(board.country) }),
    description: t.exposeString('description'),
    instructions: t.exposeString('instructions', { description: 'Markdown for the connect page.' }),
    docsUrl: t.exposeString('docsUrl'),
    environments: t.exposeStringList('environments'),
    capabilities: t.field({
      type: [CapabilityEnum],
      resolve: (board) =>
        board.capabilities.map((value) => value.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()),
    }),
    credentialFields: t.field({ type: [CredentialFieldRef], resolve: (board) => [...board.credentials] }),
    confirmations: t.field({ type: [ConfirmationRef], resolve: (board) => [...(board.confirmations ?? [])] }),
    connectMutation: t.string({
      description: 'The name of the mutation that connects a contract with this board.',
      resolve: (board) => generatedNames(board.id).connectMutation,
    }),
    postingFieldsSchema: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'JSON Schema of the board-only posting fields as they are sent (a field with a default is not required; fields the API fills from the job are in postingDefaults), to render the posting form. Unknown fields are refused.',
      resolve: (board) =>
        board.postingFields ? z.toJSONSchema(board.postingFields, { unrepresentable: 'any', io: 'input' }) : null,
    }),
    postingDefaults: t.field({
      type: 'JSON',
      nullable: true,
      description:
        "The board fields the API would fill from this job when publishing it (what is sent overrides them): show them pre-filled in the posting form. Null for a job that is not the organisation's.",
      args: { jobId: t.arg.globalID({ required: true }) },
      resolve: async (board, { jobId }, context) => {
        if (jobId.typename !== 'Job') return null;
        const job = await context.prisma.job.findFirst({
          where: { id: rowId(jobId.id), organizationId: viewerOf(context).organizationId },
        });
        return job ? (board.postingDefaults?.(postingJob(job)) ?? {}) : null;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  boards: t.field({
    type: [BoardRef],
    description:
      'The boards this server can post to; `search` matches the start of words of the name, id or country (code or English name), ignoring case and accents.',
    args: { search: t.arg.string() },
    resolve: (_root, { search }, context) => context.boards.search(search),
  }),
  board: t.field({
    type: BoardRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.boards.get(String(id)) ?? null,
  }),
}));

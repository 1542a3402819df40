import { connectContract, ContractStateError } from '../core/contracts/contracts.ts';
import { ValidationError } from '../core/errors.ts';
import { generatedNames } from '@multiposting/plugin-sdk/host';
import type { BoardPlugin, CredentialField } from '@multiposting/plugin-sdk';
import { builder } from './builder.ts';
import { registerSchemaExtension } from './plugin-extensions.ts';
import { viewerOf } from './context.ts';
import { MoneyInput } from './contracts.ts';
import { PostingReviewInterface, reviewedStream } from './postings.ts';
import type { PostingReviewed } from '../core/topics.ts';

type FieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function credentialInputField(t: FieldBuilder, plugin: BoardPlugin, field: CredentialField) {
  const description = [field.label, field.help, field.secret ? 'Secret: write-only.' : undefined]
    .filter(Boolean)
    .join(' — ');
  const options = { required: field.required, description };
  switch (field.type) {
    case 'number':
      return t.float(options);
    case 'boolean':
      return t.boolean(options);
    case 'enum': {
      const values = builder.enumType(
        `${generatedNames(plugin.id).prefix}${field.key.charAt(0).toUpperCase()}${field.key.slice(1)}`,
        {
          values: field.options as readonly string[],
        },
      );
      return t.field({ ...options, type: values });
    }
    default:
      return t.string(options);
  }
}

/** The GraphQL a plugin brings: its credentials input, environment enum and connect mutation. */
function registerPlugin(plugin: BoardPlugin): void {
  const names = generatedNames(plugin.id);
  const Environment = builder.enumType(names.environmentEnum, { values: plugin.environments as readonly string[] });
  const Credentials = builder.inputType(names.credentialsInput, {
    description: `Credentials for ${plugin.name}.`,
    fields: (t) =>
      Object.fromEntries(plugin.credentials.map((field) => [field.key, credentialInputField(t, plugin, field)])),
  });
  const ConnectInput = builder.inputType(names.connectInput, {
    fields: (t) => ({
      environment: t.field({ type: Environment, required: true }),
      credentials: t.field({ type: Credentials, required: true }),
      ...Object.fromEntries(
        (plugin.confirmations ?? []).map((confirmation) => [
          confirmation.key,
          t.boolean({ required: true, description: `${confirmation.label} Must be true.` }),
        ]),
      ),
      alias: t.string({ description: 'A name for the contract, e.g. "Brussels office".' }),
      expiresAt: t.field({
        type: 'DateTime',
        description: 'From this date the contract is EXPIRED and refuses new postings.',
      }),
      purchasePrice: t.field({ type: MoneyInput, description: 'What the contract cost; informative only.' }),
      credits: t.int({ description: 'How many postings were bought; omit when the contract does not count credits.' }),
    }),
  });
  const Reviewed = builder.objectRef<PostingReviewed>(names.reviewedType).implement({
    description: `${plugin.name}'s verdict on a posting it reviewed.`,
    interfaces: [PostingReviewInterface],
  });
  builder.subscriptionField(names.reviewedSubscription, (t) =>
    t.field({
      type: Reviewed,
      description: `Approvals and rejections of postings by ${plugin.name}.`,
      subscribe: (_root, _args, context) => reviewedStream(context, plugin.id),
      resolve: (event) => event,
    }),
  );
  builder.mutationField(names.connectMutation, (t) =>
    t.prismaField({
      type: 'Contract',
      description: `Connects a contract with ${plugin.name} and verifies its credentials (admins only).`,
      authScopes: { admin: true },
      errors: { types: [ValidationError, ContractStateError] },
      args: { input: t.arg({ type: ConnectInput, required: true }) },
      resolve: async (query, _root, { input }, context) => {
        const raw = input as Record<string, unknown>;
        const contract = await connectContract(context, viewerOf(context), plugin, {
          environment: String(raw.environment),
          credentials: Object.fromEntries(
            Object.entries((raw.credentials ?? {}) as Record<string, unknown>).filter(
              ([, value]) => value !== null && value !== undefined,
            ),
          ),
          confirmations: Object.fromEntries(
            (plugin.confirmations ?? []).map((confirmation) => [confirmation.key, raw[confirmation.key] as boolean]),
          ),
          ...Object.fromEntries(
            ['alias', 'expiresAt', 'purchasePrice', 'credits']
              .filter((key) => raw[key] !== undefined)
              .map((key) => [key, raw[key]]),
          ),
        });
        return context.prisma.contract.findUniqueOrThrow({ ...query, where: { id: contract.id } });
      },
    }),
  );
  registerSchemaExtension(plugin);
}

let registered: string | undefined;

/** Adds each plugin's GraphQL to the builder, once per process (the schema is built once). */
export function registerBoardPlugins(plugins: readonly BoardPlugin[]): void {
  const key = plugins.map((plugin) => plugin.id).join(',');
  if (registered !== undefined) {
    if (registered === key) return;
    throw new Error(
      `The schema was already built with the board plugins [${registered}]; one process serves one set of plugins.`,
    );
  }
  registered = key;
  for (const plugin of plugins) {
    try {
      registerPlugin(plugin);
    } catch (error) {
      throw new Error(`Board plugin "${plugin.id}": its GraphQL could not be added: ${(error as Error).message}`);
    }
  }
}

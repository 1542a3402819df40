import { filter, pipe } from 'graphql-yoga';
import {
  ContractStateError,
  disconnectContract,
  rotateFeedToken,
  effectiveStatus,
  updateContract,
  verifyContract,
} from '../core/contracts/contracts.ts';
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { creditBalances, type CreditBalance } from '../core/credits.ts';
import type { ContractStatusChanged } from '../core/topics.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { openFeedToken } from '../core/feeds/tokens.ts';
import { acceptancesPending, contractNextAction } from '../core/next-action.ts';
import { ContractStatus } from '../db/generated/prisma/enums.ts';
import type { Contract } from '../db/generated/prisma/client.ts';
import { BoardRef } from './boards.ts';
import { builder } from './builder.ts';
import { NextActionRef } from './next-action.ts';
import { viewerOf, type Context } from './context.ts';
import { ErrorInterface } from './errors.ts';
import { inOrganization } from './tenancy.ts';

export const ContractStatusEnum = builder.enumType(ContractStatus, {
  name: 'ContractStatus',
  description: 'EXPIRED is reported from the expiry date on, whatever the stored status.',
});

builder.objectType(ContractStateError, {
  name: 'ContractStateError',
  description: "The contract's status does not allow the operation. Nothing was changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ContractStateError,
  // Not `status`: selected beside Posting.status or Contract.status in one union, the names must not clash.
  fields: (t) => ({
    contractStatus: t.field({
      type: ContractStatusEnum,
      description: "The contract's status, which refused the operation.",
      resolve: (error) => error.status,
    }),
  }),
});

const SetAsideBoardEventRef = builder
  .objectRef<{ deliveryId: string; receivedAt: Date; reason: string }>('SetAsideBoardEvent')
  .implement({
    description: "An event of a board's webhook delivery that could not be stored, and why.",
    fields: (t) => ({
      deliveryId: t.exposeString('deliveryId', { description: "The board's id of the delivery." }),
      receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
      reason: t.exposeString('reason'),
    }),
  });

export const MoneyRef = builder.objectRef<{ amount: string; currency: string }>('Money').implement({
  fields: (t) => ({
    amount: t.exposeString('amount', { description: 'Decimal string, e.g. "1250.00".' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
  }),
});

export const MoneyInput = builder.inputType('MoneyInput', {
  fields: (t) => ({
    amount: t.string({ required: true, description: 'Decimal string, e.g. "1250.00".' }),
    currency: t.string({ required: true, description: 'ISO 4217 code, e.g. EUR.' }),
  }),
});

const CreditsRef = builder.objectRef<CreditBalance>('Credits').implement({
  description:
    'Credits counted from postings made through this API (reserved on submit, released if the posting fails). ' +
    'Postings made directly on the board are not reconciled.',
  fields: (t) => ({
    total: t.exposeInt('total', {
      nullable: true,
      description: 'Credits bought; null when the contract does not count credits.',
    }),
    used: t.exposeInt('used'),
    remaining: t.exposeInt('remaining', { nullable: true }),
  }),
});

const ContractCredentialFieldRef = builder
  .objectRef<{ key: string; label: string; secret: boolean; required: boolean; hint: string | null }>(
    'ContractCredentialField',
  )
  .implement({
    description: 'Whether a credential is set. Secret values are write-only: only a masked hint is ever returned.',
    fields: (t) => ({
      key: t.exposeString('key'),
      label: t.exposeString('label'),
      secret: t.exposeBoolean('secret'),
      required: t.exposeBoolean('required'),
      configured: t.boolean({ resolve: (field) => field.hint !== null }),
      hint: t.exposeString('hint', {
        nullable: true,
        description: 'The value of a non-secret field; "••••1234" or "••••" for a secret.',
      }),
    }),
  });

const ContractChangeRef = builder
  .objectRef<{ field: string; from?: string | null; to?: string | null }>('ContractChange')
  .implement({
    description: 'One changed field. Credential changes name the field only, never a value.',
    fields: (t) => ({
      field: t.exposeString('field'),
      from: t.string({ nullable: true, resolve: (change) => change.from ?? null }),
      to: t.string({ nullable: true, resolve: (change) => change.to ?? null }),
    }),
  });

builder.prismaObject('ContractEvent', {
  description: "An entry of a contract's history.",
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type', {
      description:
        'CONNECTED, UPDATED, VERIFIED, DISCONNECTED; SUSPENDED and REINSTATED by the board; EXPIRED when the expiry date passes, RENEWED when it moves later.',
    }),
    actor: t.relation('actor', { nullable: true, description: 'The user who made the change; null for the system.' }),
    changes: t.field({ type: [ContractChangeRef], resolve: (event) => event.changes as { field: string }[] }),
    at: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** The credit balances of the contracts of one request, read together (one statement per page). */
const creditsOf = createContextCache(
  (context: Context) =>
    new DataLoader<{ id: string; creditsTotal: number | null }, CreditBalance, string>(
      (contracts) => creditBalances(context.prisma, contracts),
      { cacheKeyFn: (contract) => contract.id },
    ),
);

/** The environment a contract's board opens after its first approval, while it is still to come (a page: one query). */
const acceptanceOf = createContextCache(
  (context: Context) =>
    new DataLoader<Contract, string | null, string>((contracts) => acceptancesPending(context.prisma, contracts), {
      cacheKeyFn: (contract) => contract.id,
    }),
);

export const ContractRef = builder.prismaNode('Contract', {
  nullable: true,
  id: { field: 'id' },
  findUnique: (id, context) => inOrganization(id, context),
  description: "An organisation's agreement with a job board in one environment.",
  fields: (t) => ({
    board: t.field({
      type: BoardRef,
      nullable: true,
      description: "Null when the board's plugin is not loaded on this server.",
      resolve: (contract, _args, context) => context.boards.get(contract.boardId) ?? null,
    }),
    boardId: t.exposeString('boardId'),
    environment: t.exposeString('environment'),
    status: t.field({ type: ContractStatusEnum, resolve: (contract) => effectiveStatus(contract) }),
    statusReason: t.string({
      nullable: true,
      resolve: (contract) =>
        effectiveStatus(contract) === 'EXPIRED' && contract.status !== 'EXPIRED'
          ? 'The contract expired.'
          : contract.statusReason,
    }),
    alias: t.exposeString('alias', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    purchasePrice: t.field({
      type: MoneyRef,
      nullable: true,
      description: 'Informative only.',
      resolve: (contract) =>
        contract.purchasePriceAmount === null
          ? null
          : { amount: contract.purchasePriceAmount.toFixed(2), currency: contract.purchasePriceCurrency ?? '' },
    }),
    nextAction: t.field({
      type: NextActionRef,
      description:
        'What to do about the contract now (connect, wait, fix credentials, renew, add credits), or that nothing is needed.',
      resolve: async (contract, _args, context) =>
        contractNextAction({
          status: effectiveStatus(contract),
          boardName: context.boards.get(contract.boardId)?.name ?? contract.boardId,
          statusReason: contract.statusReason,
          expiresAt: contract.expiresAt,
          creditsRemaining: (await creditsOf(context).load(contract)).remaining,
          opensAfterApproval: await acceptanceOf(context).load(contract),
        }),
    }),
    credits: t.field({
      type: CreditsRef,
      resolve: (contract, _args, context) => creditsOf(context).load(contract),
    }),
    credentialFields: t.field({
      type: [ContractCredentialFieldRef],
      // Nullable so that a non-admin selecting it gets this field refused, not the whole list of contracts.
      nullable: true,
      description:
        "The board's credential fields with the hint of each stored value (admins; null with an error for others).",
      authScopes: { admin: true },
      select: { credentials: { select: { key: true, hint: true } } },
      resolve: (contract, _args, context) => {
        const plugin = context.boards.get(contract.boardId);
        const hints = new Map(contract.credentials.map((row) => [row.key, row.hint]));
        return (plugin?.credentials ?? []).map((field) => ({ ...field, hint: hints.get(field.key) ?? null }));
      },
    }),
    setAsideBoardEvents: t.field({
      type: [SetAsideBoardEventRef],
      nullable: true,
      authScopes: { admin: true },
      description:
        "Events of the board's webhook deliveries that could not be stored (an unreadable field, a NUL character), the latest first: why, never their content. The delivery was answered as taken so that the board stops sending it (admins).",
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (contract, { first }, context) => {
        const rows = await context.prisma.webhookInbox.findMany({
          where: { contractId: contract.id, NOT: { setAside: { equals: [] } } },
          orderBy: { receivedAt: 'desc' },
          take: Math.min(Math.max(first ?? 20, 1), 100),
          select: { deliveryId: true, receivedAt: true, setAside: true },
        });
        return rows.flatMap((row) =>
          (row.setAside as { index: number; reason: string }[]).map((entry) => ({
            deliveryId: row.deliveryId,
            receivedAt: row.receivedAt,
            reason: entry.reason,
          })),
        );
      },
    }),
    webhookUrl: t.string({
      nullable: true,
      description:
        'Paste this into the board so its events (reviews, applications) come back; null when the board sends none.',
      resolve: (contract, _args, context) =>
        context.boards.get(contract.boardId)?.capabilities.includes('webhooks')
          ? `${context.publicUrl()}/webhooks/${contract.boardId}/${contract.id}`
          : null,
    }),
    feedUrl: t.string({
      nullable: true,
      description:
        'Feed boards: the address the board reads the vacancies from (admins only; null for others, and when the board reads no feed). rotateFeedToken replaces it.',
      select: { feedTokenSealed: true, feedTokenKeyId: true },
      resolve: (contract, _args, context) => {
        if (viewerOf(context).role !== 'ADMIN') return null;
        const token = openFeedToken(context.keyring, contract);
        return token ? `${context.publicUrl()}/feeds/${contract.boardId}/${token}.xml` : null;
      },
    }),
    qualityRate: t.float({
      nullable: true,
      description:
        "Boards that rate accounts (France Travail): the quality rate of the organisation's postings, in percent, from the last check; null elsewhere.",
      resolve: (contract) => (contract.qualityRate === null ? null : contract.qualityRate.toNumber()),
    }),
    warnings: t.exposeStringList('warnings', {
      description: 'What the board asks you to act on (e.g. a quality rate under its threshold), from the last check.',
    }),
    checkedAt: t.expose('checkedAt', {
      type: 'DateTime',
      nullable: true,
      description: "When the board was last asked about the account's health.",
    }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    history: t.relatedConnection('history', {
      cursor: 'id',
      query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

const ContractFilter = builder.inputType('ContractFilter', {
  fields: (t) => ({
    boardId: t.id(),
    environment: t.string(),
    status: t.field({ type: ContractStatusEnum }),
  }),
});

builder.queryFields((t) => ({
  contracts: t.prismaConnection({
    type: 'Contract',
    cursor: 'id',
    description: "The organisation's contracts, newest first.",
    args: { filter: t.arg({ type: ContractFilter }) },
    resolve: (query, _root, { filter }, context) => {
      const now = new Date();
      const status = filter?.status;
      return context.prisma.contract.findMany({
        ...query,
        where: {
          organizationId: viewerOf(context).organizationId,
          ...(filter?.boardId ? { boardId: String(filter.boardId) } : {}),
          ...(filter?.environment ? { environment: filter.environment } : {}),
          ...(status === 'EXPIRED'
            ? { OR: [{ status: 'EXPIRED' }, { expiresAt: { lte: now }, status: { not: 'NOT_CONFIGURED' } }] }
            : status
              ? {
                  status,
                  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }, ...(status === 'NOT_CONFIGURED' ? [{}] : [])],
                }
              : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
  contract: t.prismaField({
    type: 'Contract',
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: [ContractRef] }) },
    resolve: (query, _root, { id }, context) =>
      context.prisma.contract.findFirst({ ...query, where: inOrganization(id.id, context) }),
  }),
}));

const UpdateContractInput = builder.inputType('UpdateContractInput', {
  description: 'Only the fields given change; null clears an optional field.',
  fields: (t) => ({
    alias: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
    purchasePrice: t.field({ type: MoneyInput }),
    credits: t.int(),
    credentials: t.field({
      type: 'JSON',
      description:
        'Credential fields to change, by key (see Board.credentialFields); the others keep their values. Changing them verifies the contract again.',
    }),
  }),
});

builder.mutationFields((t) => ({
  updateContract: t.prismaField({
    type: 'Contract',
    description: "Changes a contract's fields or credentials (admins only).",
    authScopes: { admin: true },
    errors: { types: [ValidationError, NotFoundError, ContractStateError] },
    args: {
      id: t.arg.globalID({ required: true, for: [ContractRef] }),
      input: t.arg({ type: UpdateContractInput, required: true }),
    },
    resolve: async (query, _root, { id, input }, context) => {
      const provided = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
      if (
        provided.credentials !== undefined &&
        provided.credentials !== null &&
        (typeof provided.credentials !== 'object' || Array.isArray(provided.credentials))
      ) {
        throw new ValidationError([
          { path: ['input', 'credentials'], message: 'must be an object of credential fields' },
        ]);
      }
      const contract = await updateContract(
        context,
        viewerOf(context),
        id.id,
        provided as Parameters<typeof updateContract>[3],
      );
      return context.prisma.contract.findUniqueOrThrow({ ...query, where: { id: contract.id } });
    },
  }),
}));

/** A mutation that takes a contract's id, runs a contract service and answers the contract (admins only). */
function contractAction(name: string, description: string, run: typeof verifyContract) {
  builder.mutationField(name, (t) =>
    t.prismaField({
      type: 'Contract',
      description: `${description} (admins only).`,
      authScopes: { admin: true },
      errors: { types: [NotFoundError, ContractStateError] },
      args: { id: t.arg.globalID({ required: true, for: [ContractRef] }) },
      resolve: async (query, _root, { id }, context) => {
        const contract = await run(context, viewerOf(context), id.id);
        return context.prisma.contract.findUniqueOrThrow({ ...query, where: { id: contract.id } });
      },
    }),
  );
}

contractAction('verifyContract', 'Checks the stored credentials with the board again', verifyContract);
contractAction(
  'rotateFeedToken',
  "Gives a feed board's contract a new feed URL; the old one stops working at once",
  rotateFeedToken,
);
contractAction(
  'disconnectContract',
  'Erases the credentials; the contract returns to NOT_CONFIGURED and keeps its history',
  disconnectContract,
);

const ContractStatusChangeRef = builder.objectRef<ContractStatusChanged>('ContractStatusChange').implement({
  fields: (t) => ({
    from: t.field({ type: ContractStatusEnum, resolve: (event) => event.from as ContractStatus }),
    to: t.field({ type: ContractStatusEnum, resolve: (event) => event.to as ContractStatus }),
    reason: t.exposeString('reason', { nullable: true }),
    contract: t.prismaField({
      type: 'Contract',
      resolve: (query, event, _args, context) =>
        context.prisma.contract.findFirstOrThrow({ ...query, where: inOrganization(event.contractId, context) }),
    }),
  }),
});

const ContractEventFilter = builder.inputType('ContractEventFilter', {
  fields: (t) => ({ contractId: t.globalID({ for: [ContractRef] }), boardId: t.id() }),
});

builder.subscriptionField('contractStatusChanged', (t) =>
  t.field({
    type: ContractStatusChangeRef,
    description:
      "Every status change of the organisation's contracts (verified, suspended or reinstated by the board, disconnected), published after it is committed.",
    args: { filter: t.arg({ type: ContractEventFilter }) },
    subscribe: (_root, { filter: wanted }, context) =>
      pipe(
        context.topics.subscribe('contract.statusChanged', viewerOf(context).organizationId),
        filter(
          (event: ContractStatusChanged) =>
            (!wanted?.contractId || wanted.contractId.id === event.contractId) &&
            (!wanted?.boardId || String(wanted.boardId) === event.boardId),
        ),
      ),
    resolve: (event) => event,
  }),
);

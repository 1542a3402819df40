import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../db/database.ts';
import type { Contract, ContractStatus } from '../../db/generated/prisma/client.ts';
import type { BoardPlugin, Credentials } from '@multiposting/plugin-sdk';
import type { Viewer } from '../auth/viewer.ts';
import type { Services } from '../services.ts';
import type { BoardRegistry } from '../boards.ts';
import { currencyCode, decimalAmount } from '../codes.ts';
import { creditBalance } from '../credits.ts';
import {
  BoardUnavailableError,
  DomainError,
  NotFoundError,
  parseInput,
  ValidationError,
  type FieldError,
} from '../errors.ts';
import { publishAfter, type Emit } from '../topics.ts';
import { announce } from '../event-webhooks/outbox.ts';
import { followContractExpiry } from '../postings/postings.ts';
import { rowId } from '../ids.ts';
import { newFeedToken, noFeedToken } from '../feeds/tokens.ts';
import { credentialsSchema, openCredentials, sealCredentials } from './credentials.ts';

export type ContractDeps = Pick<Services, 'prisma' | 'keyring' | 'boards' | 'topics' | 'log'>;

/** The contract is not in a state that allows the operation (e.g. disconnecting one already disconnected). */
export class ContractStateError extends DomainError {
  override name = 'ContractStateError';
  constructor(
    readonly status: ContractStatus,
    message: string,
  ) {
    super(message);
  }
}

const commonFields = {
  alias: z.string().trim().max(100, 'must be at most 100 characters').nullish(),
  expiresAt: z
    .date()
    .refine((date) => date.getTime() > Date.now(), 'must be in the future')
    .nullish(),
  purchasePrice: z
    .object({
      amount: decimalAmount('must be a non-negative amount with at most 2 decimals, e.g. "1250.00"'),
      currency: currencyCode('must be an ISO 4217 currency code such as EUR'),
    })
    .nullish(),
  credits: z.number().int('must be a whole number').min(0, 'must not be negative').max(10_000_000).nullish(),
};

export interface ContractFieldsInput {
  alias?: string | null;
  expiresAt?: Date | null;
  purchasePrice?: { amount: string; currency: string } | null;
  credits?: number | null;
}

export interface ConnectInput extends ContractFieldsInput {
  environment: string;
  credentials: Record<string, unknown>;
  confirmations: Record<string, boolean | null | undefined>;
}

export interface UpdateInput extends ContractFieldsInput {
  /** Only the fields to change; secrets left out keep their stored values. */
  credentials?: Record<string, unknown> | null;
}

/** The status as callers see it: a contract past its expiry date is EXPIRED whatever was stored. */
export function effectiveStatus(contract: Pick<Contract, 'status' | 'expiresAt'>, now = new Date()): ContractStatus {
  if (contract.expiresAt && contract.expiresAt <= now && contract.status !== 'NOT_CONFIGURED') return 'EXPIRED';
  return contract.status;
}

/** Runs a validation, adding its field errors to `problems` instead of throwing them; undefined when it failed. */
function collect<T>(problems: FieldError[], validate: () => T): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.fieldErrors);
    return undefined;
  }
}

type Change = { field: string; from?: string | null; to?: string | null };

function contractColumns(input: z.infer<z.ZodObject<typeof commonFields>>, provided: ContractFieldsInput) {
  const data: Prisma.ContractUncheckedUpdateInput = {};
  if ('alias' in provided) data.alias = input.alias || null;
  if ('expiresAt' in provided) data.expiresAt = input.expiresAt ?? null;
  if ('purchasePrice' in provided) {
    data.purchasePriceAmount = input.purchasePrice?.amount ?? null;
    data.purchasePriceCurrency = input.purchasePrice?.currency ?? null;
  }
  if ('credits' in provided) data.creditsTotal = input.credits ?? null;
  return data;
}

const display = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : String(value);

/** What changed among the contract's own fields, for the history. */
function describeChanges(before: Contract | undefined, data: Prisma.ContractUncheckedUpdateInput): Change[] {
  const changes: Change[] = [];
  const compare = (field: string, from: unknown, to: unknown) => {
    if (display(from) !== display(to)) changes.push({ field, from: display(from), to: display(to) });
  };
  if ('alias' in data) compare('alias', before?.alias, data.alias);
  if ('expiresAt' in data) compare('expiresAt', before?.expiresAt, data.expiresAt);
  if ('purchasePriceAmount' in data) {
    const price = (amount: unknown, currency: unknown) =>
      amount === null || amount === undefined ? null : `${display(amount)} ${currency}`;
    compare(
      'purchasePrice',
      price(before?.purchasePriceAmount, before?.purchasePriceCurrency),
      price(data.purchasePriceAmount, data.purchasePriceCurrency),
    );
  }
  if ('creditsTotal' in data) compare('credits', before?.creditsTotal, data.creditsTotal);
  return changes;
}

function validateCredentials(plugin: BoardPlugin, credentials: Record<string, unknown>, root: string[]): Credentials {
  return parseInput(credentialsSchema(plugin), credentials, root) as Credentials;
}

/** Records a status change in the history and emits it (published once the transaction commits). */
export async function recordStatusChange(
  tx: Prisma.TransactionClient,
  emit: Emit,
  contract: Pick<Contract, 'id' | 'organizationId' | 'boardId' | 'status'>,
  actor: Viewer | null,
  type: string,
  to: ContractStatus,
  reason: string | null,
): Promise<void> {
  await record(tx, contract, actor, type, [
    { field: 'status', from: contract.status, to },
    ...(reason ? [{ field: 'statusReason', from: null, to: reason }] : []),
  ]);
  if (contract.status !== to)
    await announce(tx, emit, 'contract.statusChanged', contract.organizationId, {
      contractId: contract.id,
      boardId: contract.boardId,
      from: contract.status,
      to,
      reason,
    });
}

async function record(
  db: PrismaClient | Prisma.TransactionClient,
  contract: Pick<Contract, 'id' | 'organizationId'>,
  actor: Viewer | null,
  type: string,
  changes: Change[],
) {
  await db.contractEvent.create({
    data: {
      contractId: contract.id,
      organizationId: contract.organizationId,
      actorUserId: actor?.userId ?? null,
      type,
      changes,
    },
  });
}

export async function findContract(
  prisma: PrismaClient,
  organizationId: string,
  contractId: string,
): Promise<Contract> {
  const contract = await prisma.contract.findFirst({ where: { id: rowId(contractId), organizationId } });
  if (!contract) throw new NotFoundError('contract', contractId);
  return contract;
}

/** The contract's board plugin; a ContractStateError when this server does not load it. */
export function pluginOf(boards: BoardRegistry, contract: Contract): BoardPlugin {
  const plugin = boards.get(contract.boardId);
  if (!plugin)
    throw new ContractStateError(
      contract.status,
      `The board plugin "${contract.boardId}" is not loaded on this server.`,
    );
  return plugin;
}

/** Stores a new contract with its encrypted credentials, then verifies them with the board. */
export async function connectContract(
  deps: ContractDeps,
  actor: Viewer,
  plugin: BoardPlugin,
  input: ConnectInput,
): Promise<Contract> {
  const problems: FieldError[] = [];
  const fields = collect(problems, () => parseInput(z.object(commonFields), input));
  if (!plugin.environments.includes(input.environment)) {
    problems.push({ path: ['input', 'environment'], message: `must be one of ${plugin.environments.join(', ')}` });
  }
  for (const confirmation of plugin.confirmations ?? []) {
    if (input.confirmations[confirmation.key] !== true)
      problems.push({ path: ['input', confirmation.key], message: `must be confirmed: ${confirmation.label}` });
  }
  const credentials = collect(problems, () =>
    validateCredentials(plugin, withoutCleared(plugin, input.credentials), ['input', 'credentials']),
  );
  if (!fields || !credentials) throw new ValidationError(problems);
  if (problems.length > 0) throw new ValidationError(problems);
  await checkPrerequisite(deps, actor, plugin, input.environment);

  const now = new Date();
  const confirmations = Object.fromEntries(
    (plugin.confirmations ?? []).map((confirmation) => [confirmation.key, now.toISOString()]),
  );
  const columns = contractColumns(fields, input);
  const id = randomUUID();
  const contract = await deps.prisma.$transaction(async (tx) => {
    // Trying again after the board refused the credentials reuses the refused contract instead of adding one.
    const refused = await tx.contract.findFirst({
      where: {
        organizationId: actor.organizationId,
        boardId: plugin.id,
        environment: input.environment,
        status: 'INVALID_CREDENTIALS',
        postings: { none: {} },
      },
      orderBy: { createdAt: 'desc' },
    });
    if (refused) {
      const retried = await tx.contract.update({
        where: { id: refused.id },
        data: { ...(columns as Prisma.ContractUncheckedUpdateInput), status: 'PENDING_VERIFICATION', confirmations },
      });
      await tx.contractCredential.deleteMany({ where: { contractId: refused.id } });
      await tx.contractCredential.createMany({
        data: sealCredentials(deps.keyring, plugin, refused.id, credentials),
      });
      await record(tx, retried, actor, 'CONNECTED', [
        ...describeChanges(refused, columns),
        ...Object.keys(credentials).map((key) => ({ field: `credentials.${key}` })),
      ]);
      return retried;
    }
    const created = await tx.contract.create({
      data: {
        ...(columns as Prisma.ContractUncheckedCreateInput),
        id,
        ...(isFeedBoard(plugin) ? newFeedToken(deps.keyring, id) : {}),
        organizationId: actor.organizationId,
        boardId: plugin.id,
        environment: input.environment,
        status: 'PENDING_VERIFICATION',
        confirmations,
      },
    });
    await tx.contractCredential.createMany({ data: sealCredentials(deps.keyring, plugin, created.id, credentials) });
    await record(tx, created, actor, 'CONNECTED', [
      { field: 'environment', from: null, to: input.environment },
      ...describeChanges(undefined, columns),
      ...Object.keys(credentials).map((key) => ({ field: `credentials.${key}` })),
      ...Object.keys(confirmations).map((key) => ({ field: key, from: null, to: 'confirmed' })),
    ]);
    return created;
  });
  await deps.topics.publish('contract.credentialsChanged', { contractId: contract.id });
  return verify(deps, actor, plugin, contract, credentials);
}

/**
 * The credentials without the optional fields the caller cleared: `null`, or an empty text for a field that is not
 * required, means "not set" (a required one left empty is still refused, by the validation).
 */
function withoutCleared(plugin: BoardPlugin, credentials: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(credentials).filter(([key, value]) => {
      const field = plugin.credentials.find((candidate) => candidate.key === key);
      return !(value === null || (value === '' && field && !field.required));
    }),
  );
}

/** Changes contract fields and/or credentials; changed credentials are verified again. */
export async function updateContract(
  deps: ContractDeps,
  actor: Viewer,
  contractId: string,
  input: UpdateInput,
): Promise<Contract> {
  const contract = await findContract(deps.prisma, actor.organizationId, contractId);
  const plugin = pluginOf(deps.boards, contract);
  const problems: FieldError[] = [];
  const fields = collect(problems, () => parseInput(z.object(commonFields), input));

  let credentials: Credentials | undefined;
  if (input.credentials) {
    const stored = await deps.prisma.contractCredential.findMany({ where: { contractId } });
    const merged = withoutCleared(plugin, {
      ...openCredentials(deps.keyring, contractId, stored),
      ...input.credentials,
    });
    const unknown = Object.keys(input.credentials).filter(
      (key) => !plugin.credentials.some((field) => field.key === key),
    );
    problems.push(
      ...unknown.map((key) => ({ path: ['input', 'credentials', key], message: 'is not a credential of this board' })),
    );
    if (unknown.length === 0)
      credentials = collect(problems, () => validateCredentials(plugin, merged, ['input', 'credentials']));
  }
  if (!fields || problems.length > 0) throw new ValidationError(problems);
  const columns = contractColumns(fields, input);
  if (typeof columns.creditsTotal === 'number') {
    const { used } = await creditBalance(deps.prisma, contract);
    if (columns.creditsTotal < used) {
      throw new ValidationError([
        { path: ['input', 'credits'], message: `must be at least the ${used} credits already used` },
      ]);
    }
  }

  const changedKeys = credentials ? Object.keys(input.credentials ?? {}) : [];
  const updated = await publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      const next = await tx.contract.update({
        where: { id: contractId },
        data: {
          ...columns,
          ...(credentials ? { status: 'PENDING_VERIFICATION', statusReason: null } : {}),
          // A feed board's contract connected again after a disconnection gets a new feed URL.
          ...(credentials && isFeedBoard(plugin) && !contract.feedTokenHash
            ? newFeedToken(deps.keyring, contractId)
            : {}),
        },
      });
      if (credentials) {
        await tx.contractCredential.deleteMany({ where: { contractId } });
        await tx.contractCredential.createMany({
          data: sealCredentials(deps.keyring, plugin, contractId, credentials),
        });
        emit('contract.credentialsChanged', { contractId });
      }
      const changes = [
        ...describeChanges(contract, columns),
        ...changedKeys.map((key) => ({ field: `credentials.${key}` })),
      ];
      if (changes.length > 0) await record(tx, contract, actor, 'UPDATED', changes);
      if ('expiresAt' in columns) await followContractExpiry(tx, contractId, next.expiresAt);
      // An expiry date moved past today brings an expired contract back, and says so like the expiry did.
      const before = effectiveStatus(contract);
      const after = effectiveStatus(next);
      if (before === 'EXPIRED' && after !== 'EXPIRED' && !credentials)
        await recordStatusChange(tx, emit, { ...contract, status: 'EXPIRED' }, actor, 'RENEWED', after, null);
      return next;
    }),
  );
  // The history and the event carry the status the contract had before the new credentials, not the
  // PENDING_VERIFICATION it passes through while the board is asked.
  return credentials ? verify(deps, actor, plugin, { ...updated, status: contract.status }, credentials) : updated;
}

/** Checks the stored credentials with the board again. */
export async function verifyContract(deps: ContractDeps, actor: Viewer, contractId: string): Promise<Contract> {
  const contract = await findContract(deps.prisma, actor.organizationId, contractId);
  if (contract.status === 'NOT_CONFIGURED') {
    throw new ContractStateError(contract.status, 'The contract has no credentials: update it with credentials first.');
  }
  const plugin = pluginOf(deps.boards, contract);
  const stored = await deps.prisma.contractCredential.findMany({ where: { contractId } });
  return verify(deps, actor, plugin, contract, openCredentials(deps.keyring, contractId, stored));
}

/** Erases the credentials and returns the contract to NOT_CONFIGURED; its history and postings stay. */
export async function disconnectContract(deps: ContractDeps, actor: Viewer, contractId: string): Promise<Contract> {
  const contract = await findContract(deps.prisma, actor.organizationId, contractId);
  if (contract.status === 'NOT_CONFIGURED')
    throw new ContractStateError(contract.status, 'The contract is already disconnected.');
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      await tx.contractCredential.deleteMany({ where: { contractId } });
      emit('contract.credentialsChanged', { contractId });
      const updated = await tx.contract.update({
        where: { id: contractId },
        data: {
          status: 'NOT_CONFIGURED',
          statusReason: 'Disconnected: the credentials were erased.',
          verifiedAt: null,
          nextCheckAt: null,
          ...noFeedToken,
        },
      });
      await recordStatusChange(tx, emit, contract, actor, 'DISCONNECTED', 'NOT_CONFIGURED', null);
      return updated;
    }),
  );
}

/**
 * Refuses a contract in an environment the organisation has not qualified for yet: some boards (Le Forem) open
 * production only after they approved a test posting made on their acceptance environment.
 */
async function checkPrerequisite(
  deps: ContractDeps,
  actor: Viewer,
  plugin: BoardPlugin,
  environment: string,
): Promise<void> {
  const required = deps.boards.prerequisiteOf(plugin, environment);
  if (!required) return;
  const approved = await deps.prisma.postingEvent.count({
    where: {
      toStatus: 'PUBLISHED',
      posting: { organizationId: actor.organizationId, boardId: plugin.id, contract: { environment: required } },
    },
  });
  if (approved === 0) {
    throw new ValidationError([
      {
        path: ['input', 'environment'],
        message: `${plugin.name} opens ${environment} once it has approved one of your postings on ${required}: connect an ${required} contract, publish a test posting and wait for its approval`,
      },
    ]);
  }
}

const isFeedBoard = (plugin: BoardPlugin) => plugin.capabilities.includes('feed');

/** Gives a feed board's contract a new feed URL; the old one stops working at once. */
export async function rotateFeedToken(deps: ContractDeps, actor: Viewer, contractId: string): Promise<Contract> {
  const contract = await findContract(deps.prisma, actor.organizationId, contractId);
  const plugin = pluginOf(deps.boards, contract);
  if (!isFeedBoard(plugin))
    throw new ContractStateError(contract.status, `${plugin.name} does not read a feed; the contract has no feed URL.`);
  if (contract.status === 'NOT_CONFIGURED')
    throw new ContractStateError(contract.status, 'The contract is disconnected: connect it again to get a feed URL.');
  return deps.prisma.$transaction(async (tx) => {
    const updated = await tx.contract.update({
      where: { id: contract.id },
      data: newFeedToken(deps.keyring, contract.id),
    });
    await record(tx, contract, actor, 'UPDATED', [{ field: 'feedUrl', from: null, to: 'rotated' }]);
    return updated;
  });
}

/** When a worker should next ask the board about a contract that has just been verified. */
function nextCheckAfterVerification(
  plugin: BoardPlugin,
  status: ContractStatus,
  retryPending: boolean,
  intervalMs: number,
): Date | null {
  if (status === 'ACTIVE' && plugin.capabilities.includes('contractHealth')) return new Date();
  if (status === 'PENDING_VERIFICATION' && retryPending) return new Date(Date.now() + intervalMs);
  return null;
}

/** Checks credentials with the board and stores the outcome; the contract-check worker calls it for pending ones. */
export async function verify(
  deps: ContractDeps,
  actor: Viewer | null,
  plugin: BoardPlugin,
  contract: Contract,
  credentials: Credentials,
): Promise<Contract> {
  let status: ContractStatus = 'ACTIVE';
  let reason: string | null = null;
  // Verified again by the worker: a board that has not opened access yet, or that could not be reached.
  let retryPending = false;
  if (plugin.verifyCredentials && !deps.boards.baseUrl(plugin, contract.environment)) {
    status = 'PENDING_VERIFICATION';
    reason = `No API address is configured for ${plugin.name} (${contract.environment}): set BOARD_BASE_URLS, then verifyContract.`;
  } else if (plugin.verifyCredentials) {
    try {
      const target = { environment: contract.environment, credentials };
      const result = await deps.boards.call(plugin, 'verifyCredentials', target, (context) =>
        plugin.verifyCredentials!(context),
      );
      if (!result.ok) {
        status = result.pending ? 'PENDING_VERIFICATION' : 'INVALID_CREDENTIALS';
        reason = deps.boards.redact(result.reason, credentials);
        retryPending = result.pending === true;
      }
    } catch (error) {
      if (!(error instanceof BoardUnavailableError)) throw error;
      if (!error.retryable && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')) {
        status = 'INVALID_CREDENTIALS';
        reason = error.message;
      } else {
        status = 'PENDING_VERIFICATION';
        retryPending = error.retryable;
        const next = retryPending
          ? 'It is tried again automatically, or run verifyContract.'
          : 'Try verifyContract again later.';
        reason = `Could not verify the credentials: ${error.message} ${next}`;
      }
    }
  }
  const nextCheckAt = nextCheckAfterVerification(plugin, status, retryPending, deps.boards.contractCheckMs);
  return publishAfter(deps.topics, (emit) =>
    deps.prisma.$transaction(async (tx) => {
      const updated = await tx.contract.update({
        where: { id: contract.id },
        data: { status, statusReason: reason, nextCheckAt, ...(status === 'ACTIVE' ? { verifiedAt: new Date() } : {}) },
      });
      await recordStatusChange(tx, emit, contract, actor, 'VERIFIED', status, reason);
      return updated;
    }),
  );
}

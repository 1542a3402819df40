import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../db/database.ts';
import type { Delivery, PostingStatus } from '../../db/generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import { BoardError } from '@multiposting/plugin-sdk';
import type { BoardRegistry } from '../boards.ts';
import { announceExpiredContracts, checkContract, claimDueContracts } from '../contracts/checks.ts';
import { openCredentials } from '../contracts/credentials.ts';
import { consumeCredit, releaseCredit } from '../credits.ts';
import type { Keyring } from '../crypto.ts';
import { publishAfter, type Events } from '../events.ts';
import { postingJob } from '../jobs.ts';
import { fetchBoardState } from '../postings/board-state.ts';
import type { DocumentStorage } from '../documents/storage.ts';
import { ClaimLoop, claimDueRows, releaseExpiredLeases, type QueueTable } from '../queue/claim-loop.ts';
import { processInboxRow, type ClaimedInboxRow } from '../webhooks/inbox.ts';
import { downloadDocument, type ClaimedDownload } from '../documents/downloads.ts';
import { claimEventDeliveries, sendEventDelivery, type ClaimedEventDelivery } from '../event-webhooks/sender.ts';
import { BOARD_STATUS, closeDuePostings, LIVE_STATUSES, transition } from '../postings/postings.ts';
import type { PostingState } from '@multiposting/plugin-sdk';

export interface WorkerDeps {
  prisma: PrismaClient;
  boards: BoardRegistry;
  keyring: Keyring;
  events: Events;
  log: Logger;
  /** Where CVs that arrive by webhook are written, their size limit, and whether their links may be private. */
  documents: { storage: DocumentStorage; maxBytes: number; allowPrivateLinks: boolean };
}

export type WorkerOptions = Omit<Config['worker'], 'inProcess'>;

interface Claimed {
  id: string;
  posting_id: string;
  operation: Delivery['operation'];
  idempotency_key: string;
  attempts: number;
  lease_token: string;
}

/** Delay before the next attempt: exponential, with jitter, never shorter than what the board asked for. */
export function retryDelay(
  attempt: number,
  options: Pick<WorkerOptions, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterSeconds?: number,
): number {
  const exponential = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

/** A failure of the call to the board, as the outbox records it. */
class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
    /** The board fields the board refused, paths within boardFields. */
    readonly fields: readonly { path: (string | number)[]; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * Delivers the outbox: claims due rows with FOR UPDATE SKIP LOCKED under a lease (rows of a worker that died
 * are claimed again once their lease ends), calls the board with the row's idempotency key, and records the
 * outcome in one transaction. Rows of one posting are delivered in the order they were written.
 */
export class DeliveryWorker {
  private running = false;
  private polls: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** Aborted when stop() is called: wakes the loops from their wait. */
  private stopping = new AbortController();
  private readonly log: Logger;
  private readonly workerId = randomUUID().slice(0, 8);
  private readonly deliveries: ClaimLoop<Claimed>;
  private readonly inbox: ClaimLoop<ClaimedInboxRow>;
  private readonly eventDeliveries: ClaimLoop<ClaimedEventDelivery>;
  private readonly downloads: ClaimLoop<ClaimedDownload>;
  private subscriptions: AsyncIterator<unknown>[] = [];

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.log = deps.log.child({ component: 'delivery', worker: this.workerId });
    const release = (table: QueueTable) => () => releaseExpiredLeases(deps.prisma, table);
    this.deliveries = new ClaimLoop(
      'deliveries',
      release('delivery'),
      (limit) => this.claim(limit),
      (row) => this.deliver(row),
      options,
      this.log,
    );
    this.inbox = new ClaimLoop(
      'webhook deliveries',
      release('webhook_delivery'),
      (limit) => claimDueRows(deps.prisma, 'webhook_delivery', limit, options.leaseMs),
      (row) => this.receive(row),
      options,
      this.log,
    );
    this.downloads = new ClaimLoop(
      'CV downloads',
      release('document_download'),
      (limit) => claimDueRows(deps.prisma, 'document_download', limit, options.leaseMs),
      (row) =>
        downloadDocument(deps, row, {
          maxAttempts: options.maxAttempts,
          retryDelay: (attempts) => retryDelay(attempts, options),
          timeoutMs: Math.min(30_000, options.leaseMs / 2),
        }),
      options,
      this.log,
    );
    const sender = {
      ...options.eventWebhooks,
      leaseMs: options.leaseMs,
      allowPrivate: deps.documents.allowPrivateLinks,
    };
    this.eventDeliveries = new ClaimLoop(
      'event deliveries',
      release('event_delivery'),
      (limit) => claimEventDeliveries(deps.prisma, limit, options.leaseMs),
      (row) => sendEventDelivery(deps, sender, row),
      options,
      this.log,
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    const wakeOn = (topic: 'delivery.queued' | 'inbox.queued' | 'eventDelivery.queued', loop: { wake(): void }) => {
      const events = this.deps.events.subscribe(topic);
      this.subscriptions.push(events);
      void (async () => {
        for await (const _event of events) loop.wake();
      })();
    };
    wakeOn('delivery.queued', this.deliveries);
    wakeOn('inbox.queued', this.inbox);
    wakeOn('eventDelivery.queued', this.eventDeliveries);
    this.deliveries.start();
    this.inbox.start();
    this.eventDeliveries.start();
    this.downloads.start();
    this.polls = Promise.all([
      this.runPolls(),
      this.runContractChecks(),
      this.repeat(
        'close scheduled postings',
        this.options.pollMs,
        async () => (await closeDuePostings(this.deps)) === 20,
      ),
    ]).then(() => undefined);
  }

  /** Stops claiming, waits for in-flight work (aborting board calls after `graceMs`); unfinished rows are retried later. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    await Promise.all([
      this.deliveries.stop(),
      this.inbox.stop(),
      this.eventDeliveries.stop(),
      this.downloads.stop(),
      this.polls,
    ]);
    clearTimeout(timer);
    await Promise.all(this.subscriptions.map((events) => events.return?.()));
  }

  /** Applies one webhook delivery from the inbox; a failure is retried with backoff like a board call. */
  private async receive(row: ClaimedInboxRow): Promise<void> {
    try {
      await processInboxRow(this.deps, row);
    } catch (error) {
      const message = (error as Error).message;
      const retry = row.attempts < this.options.maxAttempts;
      this.log.warn(
        { inbox: row.id, attempt: row.attempts, err: message },
        retry ? 'Could not apply a webhook delivery; retrying' : 'Gave up applying a webhook delivery',
      );
      await this.deps.prisma.webhookDelivery.updateMany({
        where: { id: row.id, status: 'PROCESSING', leaseToken: row.lease_token },
        data: retry
          ? {
              status: 'PENDING',
              leaseToken: null,
              leaseUntil: null,
              lastError: message,
              availableAt: new Date(Date.now() + retryDelay(row.attempts, this.options)),
            }
          : { status: 'FAILED', leaseToken: null, leaseUntil: null, lastError: message },
      });
    }
  }

  /** Runs `round` until the worker stops: again at once while it found a full batch of work, else after `waitMs`. */
  private async repeat(what: string, waitMs: number, round: () => Promise<boolean>): Promise<void> {
    while (this.running) {
      try {
        if (await round()) continue;
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, `Could not ${what}; retrying`);
      }
      await sleep(waitMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Asks boards without push where their postings in review (and, less often, the published ones) stand. */
  private runPolls(): Promise<void> {
    return this.repeat('poll posting states', this.options.pollMs, async () => {
      const due = await this.deps.prisma.$queryRaw<{ id: string; poll_attempts: number }[]>`
        UPDATE posting AS p SET next_poll_at = now() + (${this.options.leaseMs}::int * interval '1 millisecond')
        WHERE p.id IN (
          SELECT q.id FROM posting AS q WHERE q.next_poll_at <= now() ORDER BY q.next_poll_at LIMIT 20 FOR UPDATE SKIP LOCKED
        )
        RETURNING p.id, p.poll_attempts`;
      await Promise.all(due.map((row) => this.poll(row.id, row.poll_attempts)));
      return due.length === 20;
    });
  }

  /** Asks boards about contracts: verifications they left pending, quality rates and suspensions. */
  private runContractChecks(): Promise<void> {
    // Checks are due every CONTRACT_CHECK_INTERVAL_MS (minutes): looking for them more than once a second is waste.
    const waitMs = Math.min(this.deps.boards.contractCheckMs, Math.max(this.options.pollMs, 1000));
    return this.repeat('check contracts', waitMs, async () => {
      await announceExpiredContracts(this.deps);
      const due = await claimDueContracts(this.deps.prisma, this.options.leaseMs, 20);
      await Promise.all(
        due.map((id) =>
          checkContract(this.deps, id, this.abort.signal).catch((error: unknown) =>
            this.log.warn(
              { contract: id, err: (error as Error).message },
              'Could not check a contract; its lease gives it back later',
            ),
          ),
        ),
      );
      return due.length === 20;
    });
  }

  private async poll(postingId: string, attempts: number): Promise<void> {
    const { prisma, boards, events } = this.deps;
    const posting = await prisma.posting.findUniqueOrThrow({ where: { id: postingId }, include: { contract: true } });
    const plugin = boards.get(posting.boardId);
    const backoff = Math.min(this.options.pollMaxMs, this.options.pollBaseMs * 2 ** attempts);
    let state: PostingState | null | undefined;
    try {
      if (plugin && posting.externalId && ['PENDING_REVIEW', 'PUBLISHED'].includes(posting.status)) {
        state = await fetchBoardState(this.deps, plugin, posting.contract, posting.externalId, this.abort.signal);
      }
    } catch (error) {
      const message = error instanceof BoardError ? error.userMessage : (error as Error).message;
      this.log.warn(
        { posting: postingId, board: posting.boardId, err: message },
        "Could not read a posting's state from its board",
      );
      await prisma.posting.update({
        where: { id: postingId },
        data: { nextPollAt: new Date(Date.now() + backoff), pollAttempts: attempts + 1 },
      });
      return;
    }
    await publishAfter(events, (emit) =>
      prisma.$transaction(async (tx) => {
        const current = await tx.posting.findUniqueOrThrow({ where: { id: postingId } });
        const next = state ? BOARD_STATUS[state.status] : null;
        const live = next === 'PENDING_REVIEW' || next === 'PUBLISHED';
        const nextPollAt = !live
          ? null
          : new Date(Date.now() + (next === 'PUBLISHED' ? this.options.pollMaxMs : backoff));
        if (
          next &&
          next !== current.status &&
          (current.status === 'PENDING_REVIEW' || current.status === 'PUBLISHED')
        ) {
          await transition(tx, emit, current, next, {
            message:
              next === 'REJECTED'
                ? `Rejected by the board: ${state!.rejectionReason ?? 'no reason given'}`
                : `Reported ${next} by the board.`,
            data: {
              rejectionReason: state!.rejectionReason ?? null,
              externalUrl: state!.externalUrl ?? current.externalUrl,
              nextPollAt,
              pollAttempts: 0,
            },
            review: { reason: state!.rejectionReason ?? null },
          });
        } else {
          await tx.posting.update({ where: { id: postingId }, data: { nextPollAt, pollAttempts: attempts + 1 } });
        }
      }),
    );
  }

  private claim(limit: number): Promise<Claimed[]> {
    const token = randomUUID();
    return this.deps.prisma.$queryRaw<Claimed[]>`
      UPDATE delivery AS d
      SET status = 'PROCESSING', attempts = d.attempts + 1, lease_token = ${token}::uuid,
          lease_until = now() + (${this.options.leaseMs}::int * interval '1 millisecond'), updated_at = now()
      WHERE d.id IN (
        SELECT c.id FROM delivery AS c
        WHERE c.status = 'PENDING' AND c.available_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM delivery AS e
            WHERE e.posting_id = c.posting_id AND e.created_at < c.created_at AND e.status IN ('PENDING', 'PROCESSING')
          )
        ORDER BY c.available_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING d.id, d.posting_id, d.operation, d.idempotency_key, d.attempts, d.lease_token::text AS lease_token`;
  }

  private async deliver(delivery: Claimed): Promise<void> {
    const { prisma, boards, keyring, events } = this.deps;
    const posting = await prisma.posting.findUniqueOrThrow({
      where: { id: delivery.posting_id },
      include: { job: true, contract: { include: { credentials: true } } },
    });
    const plugin = boards.get(posting.boardId);
    const credentials = openCredentials(keyring, posting.contractId, posting.contract.credentials);

    if (delivery.operation === 'PUBLISH' && posting.status === 'QUEUED') {
      await publishAfter(events, (emit) =>
        prisma.$transaction((tx) =>
          transition(tx, emit, posting, 'SUBMITTED', {
            message: `Sending to ${plugin?.name ?? posting.boardId}.`,
            attempt: delivery.attempts,
          }),
        ),
      );
      posting.status = 'SUBMITTED';
    }

    let outcome: { status?: PostingStatus; externalId?: string; externalUrl?: string; warnings?: string[] } | undefined;
    let failure: DeliveryFailure | undefined;
    try {
      if (!plugin)
        throw new DeliveryFailure(`The board plugin "${posting.boardId}" is not loaded on this server.`, false);
      const context = boards.context(plugin, posting.contract.environment, credentials, this.abort.signal);
      const payload = { job: postingJob(posting.job), boardFields: posting.boardFields as Record<string, unknown> };
      const idempotencyKey = delivery.idempotency_key;
      if (delivery.operation === 'PUBLISH') {
        if (!plugin.publish) throw new DeliveryFailure(`${plugin.name} cannot publish.`, false);
        outcome = await plugin.publish({ ...context, posting: payload, idempotencyKey });
      } else if (!posting.externalId) {
        // The publication never reached the board: there is nothing to change or take off it.
        outcome = {};
      } else if (delivery.operation === 'UPDATE') {
        if (!plugin.update) throw new DeliveryFailure(`${plugin.name} cannot update postings.`, false);
        const updated = await plugin.update({
          ...context,
          posting: payload,
          externalId: posting.externalId,
          idempotencyKey,
        });
        outcome = { status: updated.status ?? 'PUBLISHED', warnings: updated.warnings ?? [] };
      } else {
        if (!plugin.withdraw) throw new DeliveryFailure(`${plugin.name} cannot withdraw postings.`, false);
        await plugin.withdraw({ ...context, externalId: posting.externalId, idempotencyKey });
        outcome = { status: 'WITHDRAWN' };
      }
    } catch (error) {
      failure =
        error instanceof DeliveryFailure
          ? error
          : error instanceof BoardError
            ? new DeliveryFailure(
                boards.redact(error.userMessage, credentials),
                error.retryable,
                error.retryAfterSeconds,
                error.fields.map((field) => ({
                  path: [...field.path],
                  message: boards.redact(field.message, credentials),
                })),
              )
            : new DeliveryFailure('The board plugin failed unexpectedly.', false);
      if (!(error instanceof BoardError) && !(error instanceof DeliveryFailure)) {
        this.log.error(
          { board: posting.boardId, err: boards.redact(String((error as Error)?.stack ?? error), credentials) },
          'Board plugin threw',
        );
      }
    }
    const retry = failure?.retryable && delivery.attempts < this.options.maxAttempts;
    const polls = plugin?.capabilities.includes('statusPolling') ?? false;
    // Board text shown to the recruiter: a few, each short, with the contract's credentials removed.
    const warnings = (outcome?.warnings ?? [])
      .slice(0, 20)
      .map((warning) => boards.redact(String(warning).slice(0, 500), credentials));

    await publishAfter(events, (emit) =>
      prisma.$transaction(async (tx) => {
        const owned = await tx.delivery.updateMany({
          where: { id: delivery.id, status: 'PROCESSING', leaseToken: delivery.lease_token },
          data: outcome
            ? { status: 'DONE', leaseToken: null, leaseUntil: null, lastError: null }
            : retry
              ? {
                  status: 'PENDING',
                  leaseToken: null,
                  leaseUntil: null,
                  lastError: failure!.message,
                  availableAt: new Date(
                    Date.now() + retryDelay(delivery.attempts, this.options, failure!.retryAfterSeconds),
                  ),
                }
              : { status: 'FAILED', leaseToken: null, leaseUntil: null, lastError: failure!.message },
        });
        // Our lease ran out and another worker owns the row now: its outcome counts, not ours.
        if (owned.count === 0) return;
        const attempt = delivery.attempts;
        if (retry) {
          await tx.postingEvent.create({
            data: { postingId: posting.id, type: 'DELIVERY_RETRY', message: failure!.message, attempt },
          });
          return;
        }
        const current = await tx.posting.findUniqueOrThrow({ where: { id: posting.id } });
        if (delivery.operation === 'PUBLISH') {
          if (outcome) {
            if (current.creditReference) await consumeCredit(tx, posting.contractId, current.creditReference);
            const status = outcome.status!;
            await transition(tx, emit, current, status, {
              message: status === 'PUBLISHED' ? 'Published.' : "Awaiting the board's review.",
              attempt,
              data: {
                externalId: outcome.externalId ?? null,
                externalUrl: outcome.externalUrl ?? null,
                lastError: null,
                fieldErrors: [],
                boardWarnings: warnings,
                pollAttempts: 0,
                nextPollAt: polls ? new Date(Date.now() + this.options.pollBaseMs) : null,
              },
            });
          } else {
            if (current.creditReference) await releaseCredit(tx, posting.contractId, current.creditReference);
            await transition(tx, emit, current, 'FAILED', {
              message: failure!.message,
              attempt,
              data: { lastError: failure!.message, fieldErrors: [...failure!.fields] },
            });
          }
        } else if (delivery.operation === 'UPDATE') {
          if (current.status !== 'UPDATE_QUEUED') return;
          const status = outcome?.status ?? 'PUBLISHED';
          await transition(tx, emit, current, status, {
            message: outcome ? 'Updated on the board.' : `The update failed: ${failure!.message}`,
            attempt,
            data: {
              lastError: outcome ? null : failure!.message,
              fieldErrors: outcome ? [] : [...failure!.fields],
              ...(outcome ? { boardWarnings: warnings } : {}),
              // A board that reviews changes is asked again soon, not at the published postings' slow pace.
              ...(polls && status === 'PENDING_REVIEW'
                ? { nextPollAt: new Date(Date.now() + this.options.pollBaseMs), pollAttempts: 0 }
                : {}),
            },
          });
        } else if (outcome) {
          if (outcome.status && LIVE_STATUSES.includes(current.status)) {
            await transition(tx, emit, current, 'WITHDRAWN', {
              message: 'Withdrawn from the board.',
              attempt,
              data: { nextPollAt: null },
            });
          }
        } else {
          await tx.posting.update({ where: { id: posting.id }, data: { lastError: failure!.message } });
          await tx.postingEvent.create({
            data: { postingId: posting.id, type: 'WITHDRAWAL_FAILED', message: failure!.message, attempt },
          });
        }
      }),
    );
  }
}

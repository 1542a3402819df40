import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Prisma } from '../../db/database.ts';
import type { BoardOutbox } from '../../db/generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import { announceExpiredContracts, checkContract, claimDueContracts } from '../contracts/checks.ts';
import { BoardUnavailableError } from '../errors.ts';
import { publishAfter } from '../topics.ts';
import { downloadDocument, type ClaimedDownload } from '../documents/downloads.ts';
import { claimEventDeliveries, sendEventDelivery, type ClaimedEventDelivery } from '../event-webhooks/sender.ts';
import {
  callBoard,
  claimDuePolls,
  loadOutboxPostings,
  markSubmitted,
  pollPosting,
  recordBoardOutcome,
  type BoardAnswer,
  type OutboxCall,
  type OutboxPostingState,
} from '../postings/board-outcomes.ts';
import { claimDueClosings, closeScheduledPosting } from '../postings/postings.ts';
import { ClaimLoop, claimDueRows, releaseExpiredLeases, type QueueTable } from '../queue/claim-loop.ts';
import type { Services } from '../services.ts';
import { INBOX_COLUMNS, processInboxRow, processInboxRows, type ClaimedInboxRow } from '../webhooks/inbox.ts';

export type WorkerDeps = Omit<Services, 'publicUrl'>;

/** Rows at once of a loop that only writes to the database (scheduled closings; the inbox goes in batches). */
const DATABASE_ONLY_CONCURRENCY = 8;

/**
 * Inbox rows applied in one transaction, at most, and such transactions at once: each holds a connection while it
 * applies its rows one after another, and in the API's process the webhook route needs the pool too.
 */
const INBOX_BATCH = 20;
const INBOX_BATCHES_AT_ONCE = 2;

/** The rows in groups of `size` at most, each handled as one item of a loop (named by its first row). */
function batches<Row extends { id: string }>(rows: Row[], size: number): { id: string; rows: Row[] }[] {
  const groups: { id: string; rows: Row[] }[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const group = rows.slice(start, start + size);
    groups.push({ id: group[0]!.id, rows: group });
  }
  return groups;
}

export type WorkerOptions = Omit<Config['worker'], 'inProcess'>;

/** What an outbox call's end writes on its row: done, due again later, or failed for good. */
interface OutboxOutcome {
  status: 'DONE' | 'PENDING' | 'FAILED';
  lastError: string | null;
  availableAt?: Date;
}

interface ClaimedOutboxRow {
  id: string;
  posting_id: string;
  /** The posting, read with the rest of the claim (loadOutboxPostings). */
  posting: OutboxCall['posting'];
  operation: BoardOutbox['operation'];
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

const nothingToRelease = async () => 0;

/**
 * Runs the queues, each on a ClaimLoop: the board outbox (calls to boards, rows of one posting in the order they
 * were written), the webhook inbox, CV downloads, outbound event deliveries, status polls, contract checks and
 * scheduled closings. Rows are claimed with FOR UPDATE SKIP LOCKED under a lease, so workers share the work and the
 * rows of one that died are taken again. What the work does to postings is in core/postings; the worker schedules.
 */
export class Worker {
  private running = false;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly workerId = randomUUID().slice(0, 8);
  private readonly loops: Pick<ClaimLoop<never>, 'start' | 'stop'>[];
  private readonly woken: {
    topic: 'boardOutbox.queued' | 'webhookInbox.queued' | 'eventDelivery.queued';
    loop: { wake(): void };
  }[];
  private subscriptions: AsyncIterator<unknown>[] = [];

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.log = deps.log.child({ component: 'worker', worker: this.workerId });
    const { prisma } = deps;
    const { leaseMs } = options;
    const release = (table: QueueTable) => () => releaseExpiredLeases(prisma, table);
    const loop = <Row extends { id: string }>(
      name: string,
      releaseRows: () => Promise<unknown>,
      claim: (limit: number) => Promise<Row[]>,
      handle: (row: Row) => Promise<void>,
      { pollMs = options.pollMs, concurrency = options.concurrency } = {},
    ) => new ClaimLoop<Row>(name, releaseRows, claim, handle, { ...options, pollMs, concurrency }, this.log);
    // Loops that only write to the database gain nothing from more rows at once: they would contend for it and, in
    // the API's process, take the CPU its answers need. The others wait on boards and endpoints most of the time.
    const databaseOnly = { concurrency: Math.min(options.concurrency, DATABASE_ONLY_CONCURRENCY) };
    const outbox = loop(
      'board outbox calls',
      release('board_outbox'),
      (limit) => this.claim(limit),
      (row) => this.runOutboxCall(row),
    );
    // The inbox is applied in batches, a transaction each: a row is applied alone only when its batch fails.
    const inbox = loop(
      'webhook inbox rows',
      release('webhook_inbox'),
      async (limit) =>
        batches(
          await claimDueRows<ClaimedInboxRow>(prisma, 'webhook_inbox', limit * INBOX_BATCH, leaseMs, INBOX_COLUMNS),
          INBOX_BATCH,
        ),
      (batch) => this.receive(batch.rows),
      { concurrency: Math.min(options.concurrency, INBOX_BATCHES_AT_ONCE) },
    );
    const downloads = loop(
      'CV downloads',
      release('document_download'),
      (limit) => claimDueRows(prisma, 'document_download', limit, leaseMs),
      (row: ClaimedDownload) =>
        downloadDocument(deps, row, {
          maxAttempts: options.maxAttempts,
          retryDelay: (attempts) => retryDelay(attempts, options),
          timeoutMs: Math.min(30_000, leaseMs / 2),
        }),
    );
    const sender = { ...options.eventWebhooks, leaseMs };
    const eventDeliveries = loop(
      'event deliveries',
      release('event_delivery'),
      (limit) => claimEventDeliveries(prisma, limit, leaseMs),
      (row: ClaimedEventDelivery) => sendEventDelivery(deps, sender, row),
    );
    const timing = { pollBaseMs: options.pollBaseMs, pollMaxMs: options.pollMaxMs };
    const polls = loop(
      'status polls',
      nothingToRelease,
      (limit) => claimDuePolls(prisma, limit, leaseMs),
      (row) => pollPosting(deps, row.id, row.poll_attempts, timing, this.abort.signal),
    );
    // Checks are due every CONTRACT_CHECK_INTERVAL_MS (minutes): looking for them more than once a second is waste.
    const contracts = loop(
      'contract checks',
      nothingToRelease,
      async (limit) => {
        await announceExpiredContracts(deps);
        return claimDueContracts(prisma, limit, leaseMs);
      },
      (row) => checkContract(deps, row.id, this.abort.signal),
      { pollMs: Math.min(deps.boards.contractCheckMs, Math.max(options.pollMs, 1000)) },
    );
    const closings = loop(
      'scheduled closings',
      nothingToRelease,
      (limit) => claimDueClosings(prisma, limit),
      (row) => closeScheduledPosting(deps, row.id, row.with_contract),
      databaseOnly,
    );
    this.loops = [outbox, inbox, downloads, eventDeliveries, polls, contracts, closings];
    this.woken = [
      { topic: 'boardOutbox.queued', loop: outbox },
      { topic: 'webhookInbox.queued', loop: inbox },
      { topic: 'eventDelivery.queued', loop: eventDeliveries },
    ];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const { topic, loop } of this.woken) {
      const wakeups = this.deps.topics.subscribe(topic);
      this.subscriptions.push(wakeups);
      void (async () => {
        for await (const _event of wakeups) loop.wake();
      })();
    }
    for (const loop of this.loops) loop.start();
  }

  /** Stops claiming, waits for in-flight work (aborting board calls after `graceMs`); unfinished rows are retried later. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    await Promise.all(this.loops.map((loop) => loop.stop()));
    clearTimeout(timer);
    await Promise.all(this.subscriptions.splice(0).map((events) => events.return?.()));
  }

  /** Applies webhook deliveries from the inbox together, or each alone when that fails (receiveOne). */
  private async receive(rows: ClaimedInboxRow[]): Promise<void> {
    if (rows.length > 1) {
      try {
        return await processInboxRows(this.deps, rows);
      } catch (error) {
        this.log.debug(
          { rows: rows.length, err: (error as Error).message },
          'An inbox batch failed; applying each row',
        );
      }
    }
    for (const row of rows) await this.receiveOne(row);
  }

  /** Applies one webhook delivery from the inbox; a failure is retried with backoff like a board call. */
  private async receiveOne(row: ClaimedInboxRow): Promise<void> {
    try {
      await processInboxRow(this.deps, row);
    } catch (error) {
      const message = (error as Error).message;
      const retry = row.attempts < this.options.maxAttempts;
      this.log.warn(
        { inbox: row.id, attempt: row.attempts, err: message },
        retry ? 'Could not apply a webhook delivery; retrying' : 'Gave up applying a webhook delivery',
      );
      await this.deps.prisma.webhookInbox.updateMany({
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

  /** Claims outbox rows due now whose posting has no earlier row still waiting, and reads their postings. */
  private async claim(limit: number): Promise<ClaimedOutboxRow[]> {
    const token = randomUUID();
    const rows = await this.deps.prisma.$queryRaw<Omit<ClaimedOutboxRow, 'posting'>[]>`
      UPDATE board_outbox AS d
      SET status = 'PROCESSING', attempts = d.attempts + 1, lease_token = ${token}::uuid,
          lease_until = now() + (${this.options.leaseMs}::int * interval '1 millisecond'), updated_at = now()
      WHERE d.id IN (
        SELECT c.id FROM board_outbox AS c
        WHERE c.status = 'PENDING' AND c.available_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM board_outbox AS e
            WHERE e.posting_id = c.posting_id AND e.created_at < c.created_at AND e.status IN ('PENDING', 'PROCESSING')
          )
        ORDER BY c.available_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING d.id, d.posting_id, d.operation, d.idempotency_key, d.attempts, d.lease_token::text AS lease_token`;
    if (rows.length === 0) return [];
    const postings = await loadOutboxPostings(this.deps, [...new Set(rows.map((row) => row.posting_id))]);
    // A posting deleted meanwhile took its rows with it (the foreign key cascades): there is nothing left to send.
    return rows.flatMap((row) => {
      const posting = postings.get(row.posting_id);
      return posting ? [{ ...row, posting }] : [];
    });
  }

  /**
   * Ends the lease on an outbox row with the call's outcome, if the lease is still ours, and reads the posting as it
   * stands: one statement (null when another worker owns the row now).
   */
  private async settle(
    tx: Prisma.TransactionClient,
    row: ClaimedOutboxRow,
    outcome: OutboxOutcome,
  ): Promise<OutboxPostingState | null> {
    const [current] = await tx.$queryRaw<OutboxPostingState[]>`
      WITH owned AS (
        UPDATE board_outbox
        SET status = ${outcome.status}::"QueueStatus", lease_token = NULL, lease_until = NULL,
            last_error = ${outcome.lastError}, updated_at = ${new Date()},
            available_at = coalesce(${outcome.availableAt ?? null}::timestamptz, available_at)
        WHERE id = ${row.id}::uuid AND status = 'PROCESSING' AND lease_token = ${row.lease_token}::uuid
        RETURNING posting_id
      )
      SELECT p.id::text AS id, p.organization_id::text AS "organizationId", p.job_id::text AS "jobId",
             p.contract_id::text AS "contractId", p.board_id AS "boardId", p.status::text AS status,
             p.credit_reference AS "creditReference"
      FROM owned JOIN posting AS p ON p.id = owned.posting_id`;
    return current ?? null;
  }

  /**
   * Makes one outbox row's call to the board and records its outcome in one transaction: the row is done, or due
   * again after a backoff, or failed; the posting moves on (core/postings/board-outcomes.ts) once no try is left.
   */
  private async runOutboxCall(row: ClaimedOutboxRow): Promise<void> {
    const { prisma, topics } = this.deps;
    const call: OutboxCall = {
      posting: row.posting,
      operation: row.operation,
      idempotencyKey: row.idempotency_key,
      attempt: row.attempts,
    };
    await markSubmitted(this.deps, call);
    let answer: BoardAnswer | undefined;
    let failure: BoardUnavailableError | undefined;
    try {
      answer = await callBoard(this.deps, call, this.abort.signal);
    } catch (error) {
      if (!(error instanceof BoardUnavailableError)) throw error;
      failure = error;
    }
    const retry = failure?.retryable === true && row.attempts < this.options.maxAttempts;
    const polls = this.deps.boards.get(call.posting.boardId)?.capabilities.includes('statusPolling') ?? false;
    const outcome: OutboxOutcome = answer
      ? { status: 'DONE', lastError: null }
      : retry
        ? {
            status: 'PENDING',
            lastError: failure!.message,
            availableAt: new Date(Date.now() + retryDelay(row.attempts, this.options, failure!.retryAfterSeconds)),
          }
        : { status: 'FAILED', lastError: failure!.message };
    await publishAfter(topics, (emit) =>
      prisma.$transaction(async (tx) => {
        const current = await this.settle(tx, row, outcome);
        // Our lease ran out and another worker owns the row now: its outcome counts, not ours.
        if (!current) return;
        if (retry) {
          await tx.postingEvent.create({
            data: {
              postingId: call.posting.id,
              type: 'DELIVERY_RETRY',
              message: failure!.message,
              attempt: row.attempts,
            },
          });
          return;
        }
        const result = answer ? { answer } : { failure: failure! };
        await recordBoardOutcome(tx, emit, call, current, result, { pollBaseMs: this.options.pollBaseMs, polls });
      }),
    );
  }
}

import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';

/** The queue tables: rows go PENDING → PROCESSING (under a lease) → DONE or FAILED. */
export type QueueTable = 'board_outbox' | 'webhook_inbox' | 'event_delivery' | 'document_download';

/**
 * Gives the rows whose lease ran out (their worker died or stalled) back to the queue, as PENDING. Done apart from
 * the claim, so that a claim reads one ordered range of the (status, available_at) index and stops after the rows
 * it takes, whatever the length of the queue.
 */
export function releaseExpiredLeases(prisma: PrismaClient, table: QueueTable): Promise<number> {
  return prisma.$executeRawUnsafe(
    `UPDATE ${table} SET status = 'PENDING', lease_token = NULL, lease_until = NULL${touched(table)} WHERE status = 'PROCESSING' AND lease_until < now()`,
  );
}

/** The tables whose rows carry updated_at. */
const touched = (table: QueueTable) =>
  table === 'board_outbox' || table === 'document_download' ? ', updated_at = now()' : '';

/** A row claimed from a queue table: its id, how many times it was claimed, and the lease that owns it now. */
export interface ClaimedRow {
  id: string;
  attempts: number;
  lease_token: string;
}

/**
 * Claims up to `limit` due PENDING rows of a queue table, oldest due first, under a new lease (FOR UPDATE SKIP
 * LOCKED: workers never take the same row). For tables whose rows need no further condition to be due. `columns`
 * (SQL of the claimed row `d`) are returned too, so that the handler need not read its row again.
 */
export function claimDueRows<Row extends ClaimedRow = ClaimedRow>(
  prisma: PrismaClient,
  table: Exclude<QueueTable, 'board_outbox' | 'event_delivery'>,
  limit: number,
  leaseMs: number,
  columns = '',
): Promise<Row[]> {
  return prisma.$queryRawUnsafe<Row[]>(
    `UPDATE ${table} AS d
     SET status = 'PROCESSING', attempts = d.attempts + 1, lease_token = $1::uuid,
         lease_until = now() + ($2::int * interval '1 millisecond')${touched(table)}
     WHERE d.id IN (
       SELECT c.id FROM ${table} AS c
       WHERE c.status = 'PENDING' AND c.available_at <= now()
       ORDER BY c.available_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     )
     RETURNING d.id, d.attempts, d.lease_token::text AS lease_token${columns ? `, ${columns}` : ''}`,
    randomUUID(),
    leaseMs,
    limit,
  );
}

export interface ClaimLoopOptions {
  /** Rows handled at once. */
  concurrency: number;
  /** How long to wait for work when nothing woke the loop. */
  pollMs: number;
}

/**
 * Claims rows from a durable queue table and handles up to `concurrency` of them at once; sleeps `pollMs` when
 * idle unless woken. A handler that throws leaves its row to be claimed again after its lease.
 */
export class ClaimLoop<Row extends { id: string }> {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while the loop was busy claiming: it looks again instead of sleeping. */
  private woken = false;
  private loop: Promise<void> | undefined;
  private releasedAt = 0;

  constructor(
    private readonly name: string,
    /** Gives rows of expired leases back to the queue; called at most once per pollMs. */
    private readonly release: () => Promise<unknown>,
    private readonly claim: (limit: number) => Promise<Row[]>,
    private readonly handle: (row: Row) => Promise<void>,
    private readonly options: ClaimLoopOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Looks at the queue now instead of at the next poll. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  /** Stops claiming and waits for the rows in hand. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      const free = this.options.concurrency - this.inFlight.size;
      let claimed: Row[] = [];
      // Claims come in batches (half the slots or more, or anything when idle): a claim per finished row would cost a
      // statement per row, and a claim also reads what its rows need in one go.
      if (free > 0 && (free >= Math.ceil(this.options.concurrency / 2) || this.inFlight.size === 0)) {
        try {
          if (Date.now() - this.releasedAt >= this.options.pollMs) {
            this.releasedAt = Date.now();
            await this.release();
          }
          claimed = await this.claim(free);
        } catch (error) {
          this.log.warn({ err: (error as Error).message }, `Could not claim ${this.name}; retrying`);
        }
      }
      for (const row of claimed) {
        const task = this.handle(row)
          .catch((error: unknown) =>
            this.log.error(
              { err: (error as Error).message, row: row.id },
              `Outcome of one of the ${this.name} not recorded; it will be retried after its lease`,
            ),
          )
          .finally(() => {
            this.inFlight.delete(task);
            this.wake();
          });
        this.inFlight.add(task);
      }
      if ((claimed.length > 0 && claimed.length === free) || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = undefined;
          resolve();
        };
      });
    }
  }
}

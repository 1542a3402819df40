import type { Prisma } from '../../db/generated/prisma/client.ts';
import { WebhookError } from '@multiposting/plugin-sdk';
import type { Services } from '../services.ts';
import { webhookEventSchema, webhookResultSchema } from '@multiposting/plugin-sdk/host';
import { z } from 'zod';
import { unstorableCharacter } from '../text.ts';
import { BoardUnavailableError } from '../errors.ts';
import type { InboxEventInput } from './inbox-events.ts';

export type ReceiveDeps = Pick<Services, 'prisma' | 'boards' | 'contracts' | 'topics' | 'log'> & { inbox: InboxWriter };

export type ReceiveOutcome =
  | 'accepted'
  | 'duplicate'
  | 'unknown_board'
  | 'unknown_contract'
  | 'bad_signature'
  | 'stale'
  | 'malformed'
  | 'too_large'
  | 'failed';

export const OUTCOME_STATUS: Record<ReceiveOutcome, number> = {
  accepted: 202,
  duplicate: 200,
  unknown_board: 404,
  unknown_contract: 404,
  bad_signature: 401,
  stale: 401,
  malformed: 400,
  too_large: 413,
  failed: 500,
};

/**
 * Takes a board's webhook delivery for one contract: the plugin verifies it and reads its events, which are written
 * to the inbox (once per board delivery id) for the workers to apply. Nothing is stored for a refused delivery.
 */
export async function receiveWebhook(
  deps: ReceiveDeps,
  input: { boardId: string; contractId: string; headers: Record<string, string | undefined>; body: Buffer },
): Promise<{ outcome: ReceiveOutcome; detail?: string }> {
  const plugin = deps.boards.get(input.boardId);
  if (!plugin?.handleWebhook) return { outcome: 'unknown_board' };
  const contract = await deps.contracts.get(plugin.id, input.contractId);
  if (!contract) return { outcome: 'unknown_contract' };
  const { credentials } = contract;
  let result: unknown;
  try {
    // The board waits for the answer: the plugin gets 5 s, not a board call's deadline.
    const target = { environment: contract.environment, credentials, deadlineMs: 5000 };
    const request = { headers: input.headers, body: input.body };
    result = await deps.boards.call(plugin, 'handleWebhook', target, (context) =>
      plugin.handleWebhook!({ ...context, request }),
    );
  } catch (error) {
    if (error instanceof WebhookError) {
      const outcome = error.reason === 'signature' ? 'bad_signature' : error.reason === 'stale' ? 'stale' : 'malformed';
      return { outcome, detail: deps.boards.redact(error.message, credentials) };
    }
    if (!(error instanceof BoardUnavailableError)) throw error;
    return { outcome: 'failed', detail: 'The board plugin failed.' };
  }
  const parsed = deliveryEnvelope.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    deps.log.error(
      { board: plugin.id, path: issue.path.join('.'), err: issue.message },
      'Board plugin returned webhook events the core cannot read',
    );
    return { outcome: 'failed', detail: 'The board plugin returned unreadable events.' };
  }
  // The delivery is the board's, signed: what can be stored is, what cannot is set aside with its reason, and the
  // board is told it was taken (asked again, it would send the same and never stop).
  const { events, setAside } = sortEvents(parsed.data.events);
  if (setAside.length > 0)
    deps.log.warn(
      { board: plugin.id, contract: contract.id, delivery: parsed.data.deliveryId, setAside },
      'Board events that cannot be stored were set aside',
    );
  const stored = await deps.inbox.store({
    organizationId: contract.organizationId,
    contractId: contract.id,
    boardId: plugin.id,
    deliveryId: parsed.data.deliveryId,
    events,
    setAside,
  });
  return { outcome: stored ? 'accepted' : 'duplicate' };
}

/** A plugin's answer: the delivery id must be readable; each event is checked on its own. */
const deliveryEnvelope = webhookResultSchema.extend({ events: z.array(z.unknown()).max(100) });

/** The events the core can store, and why each other one was set aside (its place and reason, not its content). */
function sortEvents(raw: unknown[]): { events: InboxEventInput[]; setAside: SetAsideEvent[] } {
  const events: InboxEventInput[] = [];
  const setAside: SetAsideEvent[] = [];
  raw.forEach((event, index) => {
    const checked = webhookEventSchema.safeParse(event);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      setAside.push({ index, reason: `${issue.path.join('.') || 'event'}: ${issue.message}` });
    } else {
      const unstorable = unstorableCharacter(checked.data);
      if (unstorable === 'NUL')
        setAside.push({ index, reason: 'a text holds the NUL character (U+0000), which cannot be stored' });
      else if (unstorable === 'HALF_PAIR')
        setAside.push({ index, reason: 'a text holds half of a UTF-16 surrogate pair, which cannot be stored' });
      else events.push(checked.data);
    }
  });
  return { events, setAside };
}

/** An event of a delivery that could not be stored. */
export interface SetAsideEvent {
  index: number;
  reason: string;
}

/** A delivery to write to the inbox: its events, kept once per contract and delivery id. */
export interface InboxDelivery {
  organizationId: string;
  contractId: string;
  boardId: string;
  deliveryId: string;
  events: InboxEventInput[];
  setAside?: SetAsideEvent[];
}

const deliveryKey = (delivery: Pick<InboxDelivery, 'contractId' | 'deliveryId'>) =>
  `${delivery.contractId}\n${delivery.deliveryId}`;

/**
 * Writes deliveries to the inbox in one statement, each once per contract and delivery id, and wakes the workers.
 * For each delivery, in order: whether it was written (false for one stored before, or earlier in the list).
 */
async function insertInboxRows(
  deps: Pick<ReceiveDeps, 'prisma' | 'topics'>,
  deliveries: readonly InboxDelivery[],
): Promise<boolean[]> {
  const first = new Map<string, number>();
  deliveries.forEach((delivery, index) => {
    if (!first.has(deliveryKey(delivery))) first.set(deliveryKey(delivery), index);
  });
  const unique = [...first.values()].map((index) => deliveries[index]!);
  const column = <T>(pick: (delivery: InboxDelivery) => T) => unique.map(pick);
  const rows = await deps.prisma.$queryRaw<{ contract_id: string; delivery_id: string }[]>`
    INSERT INTO webhook_inbox (id, organization_id, contract_id, board_id, delivery_id, events, set_aside)
    SELECT gen_random_uuid(), d.organization_id, d.contract_id, d.board_id, d.delivery_id, d.events, d.set_aside
    FROM unnest(${column((d) => d.organizationId)}::uuid[], ${column((d) => d.contractId)}::uuid[],
                ${column((d) => d.boardId)}::text[], ${column((d) => d.deliveryId)}::text[],
                ${column((d) => JSON.stringify(d.events as Prisma.InputJsonValue[]))}::jsonb[],
                ${column((d) => JSON.stringify(d.setAside ?? []))}::jsonb[])
      AS d(organization_id, contract_id, board_id, delivery_id, events, set_aside)
    ON CONFLICT (contract_id, delivery_id) DO NOTHING
    RETURNING contract_id::text, delivery_id`;
  if (rows.length > 0) await deps.topics.publish('webhookInbox.queued', {});
  const written = new Set(rows.map((row) => deliveryKey({ contractId: row.contract_id, deliveryId: row.delivery_id })));
  return deliveries.map(
    (delivery, index) => first.get(deliveryKey(delivery)) === index && written.has(deliveryKey(delivery)),
  );
}

/** Writes one delivery to the inbox and wakes the workers. False when that delivery was already stored. */
export async function storeInInbox(
  deps: Pick<ReceiveDeps, 'prisma' | 'topics'>,
  delivery: InboxDelivery,
): Promise<boolean> {
  const [stored] = await insertInboxRows(deps, [delivery]);
  return stored!;
}

/**
 * Writes the deliveries that arrive together in one statement: the first is written at once, and those that
 * arrive while a write is under way wait for it and go in the next one. Under load a delivery costs a fraction of
 * a statement; alone it waits for nothing.
 */
export class InboxWriter {
  private waiting: { delivery: InboxDelivery; settle: (stored: boolean) => void; fail: (error: unknown) => void }[] =
    [];
  private writing = false;

  constructor(
    private readonly deps: Pick<ReceiveDeps, 'prisma' | 'topics'>,
    private readonly maxRows = 100,
  ) {}

  store(delivery: InboxDelivery): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.waiting.push({ delivery, settle, fail });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxRows);
      try {
        const stored = await insertInboxRows(
          this.deps,
          batch.map((entry) => entry.delivery),
        );
        for (const [index, entry] of batch.entries()) entry.settle(stored[index]!);
      } catch (error) {
        // One delivery the database refuses must not fail the others written with it: each is tried alone.
        if (batch.length === 1) batch[0]!.fail(error);
        else
          await Promise.all(
            batch.map((entry) =>
              insertInboxRows(this.deps, [entry.delivery]).then(([stored]) => entry.settle(stored!), entry.fail),
            ),
          );
      }
    }
    this.writing = false;
  }
}

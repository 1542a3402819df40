import type { Prisma } from '../../db/generated/prisma/client.ts';
import { WebhookError } from '@multiposting/plugin-sdk';
import type { Services } from '../services.ts';
import { openCredentials } from '../contracts/credentials.ts';
import { rowId } from '../ids.ts';
import { webhookEventSchema, webhookResultSchema } from '@multiposting/plugin-sdk/host';
import { z } from 'zod';
import { holdsNul } from '../text.ts';
import { BoardUnavailableError } from '../errors.ts';
import type { InboxEventInput } from './inbox-events.ts';

export type ReceiveDeps = Pick<Services, 'prisma' | 'boards' | 'keyring' | 'topics' | 'log'>;

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
  const contract = await deps.prisma.contract.findFirst({
    where: { id: rowId(input.contractId), boardId: plugin.id, status: { not: 'DISCONNECTED' } },
    include: { credentials: true },
  });
  if (!contract || contract.credentials.length === 0) return { outcome: 'unknown_contract' };

  const credentials = openCredentials(deps.keyring, contract.id, contract.credentials);
  let result: unknown;
  try {
    const target = { environment: contract.environment, credentials, signal: AbortSignal.timeout(5000) };
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
  const stored = await storeInInbox(deps, {
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
    } else if (holdsNul(checked.data)) {
      setAside.push({ index, reason: 'a text holds the NUL character (U+0000), which cannot be stored' });
    } else events.push(checked.data);
  });
  return { events, setAside };
}

/** An event of a delivery that could not be stored. */
export interface SetAsideEvent {
  index: number;
  reason: string;
}

/**
 * Writes events to the inbox once per contract and delivery id, and wakes the workers. False when that delivery
 * was already stored (a duplicate: nothing is written).
 */
export async function storeInInbox(
  deps: Pick<ReceiveDeps, 'prisma' | 'topics'>,
  delivery: {
    organizationId: string;
    contractId: string;
    boardId: string;
    deliveryId: string;
    events: InboxEventInput[];
    setAside?: SetAsideEvent[];
  },
): Promise<boolean> {
  const [row] = await deps.prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_inbox (id, organization_id, contract_id, board_id, delivery_id, events, set_aside)
    VALUES (gen_random_uuid(), ${delivery.organizationId}::uuid, ${delivery.contractId}::uuid, ${delivery.boardId}, ${delivery.deliveryId},
            ${JSON.stringify(delivery.events as Prisma.InputJsonValue[])}::jsonb, ${JSON.stringify(delivery.setAside ?? [])}::jsonb)
    ON CONFLICT (contract_id, delivery_id) DO NOTHING
    RETURNING id::text AS id`;
  if (!row) return false;
  await deps.topics.publish('webhookInbox.queued', { id: row.id });
  return true;
}

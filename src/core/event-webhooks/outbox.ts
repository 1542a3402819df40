import { encodeGlobalID } from '@pothos/plugin-relay';
import { Prisma } from '../../db/generated/prisma/client.ts';
import { contractOutlook, postingOutlook, postingOutlookSelect } from '../next-action.ts';
import type { Emit, TopicMap } from '../topics.ts';

/** The events organisations can receive on their endpoints, by their name on the wire. */
export const EVENT_TYPES = {
  'posting.statusChanged': 'posting.status_changed',
  'posting.reviewed': 'posting.reviewed',
  'candidate.received': 'candidate.received',
  'contract.statusChanged': 'contract.status_changed',
} as const;

export type PublicTopic = keyof typeof EVENT_TYPES;
export type EventType = (typeof EVENT_TYPES)[PublicTopic];
type EventOf<Topic extends PublicTopic> = TopicMap[Topic][1];

/**
 * The event as endpoints receive it: global ids, as the GraphQL API shows them; posting and contract events carry
 * the reason and the next action as they stand once the change is made (read in the same transaction).
 */
async function describe<Topic extends PublicTopic>(
  tx: Prisma.TransactionClient,
  topic: Topic,
  event: EventOf<Topic>,
): Promise<{ orderingKey: string; data: Record<string, unknown> }> {
  const id = (type: string, value: string | null) => (value ? encodeGlobalID(type, value) : null);
  switch (topic) {
    case 'posting.statusChanged':
    case 'posting.reviewed': {
      const { postingId, jobId, contractId, ...rest } = event as
        | EventOf<'posting.statusChanged'>
        | EventOf<'posting.reviewed'>;
      const posting = await tx.posting.findUniqueOrThrow({ where: { id: postingId }, select: postingOutlookSelect });
      const { reason, nextAction } = postingOutlook(posting);
      return {
        orderingKey: `posting:${postingId}`,
        data: {
          postingId: id('Posting', postingId),
          jobId: id('Job', jobId),
          contractId: id('Contract', contractId),
          reason,
          ...rest,
          nextAction,
        },
      };
    }
    case 'candidate.received': {
      const { applicationId, candidateId, jobId, contractId, boardId, answers, knockedOut } =
        event as EventOf<'candidate.received'>;
      return {
        orderingKey: `candidate:${candidateId}`,
        data: {
          applicationId: id('Application', applicationId),
          candidateId: id('Candidate', candidateId),
          jobId: id('Job', jobId),
          contractId: id('Contract', contractId),
          boardId,
          answers,
          knockedOut,
        },
      };
    }
    default: {
      const { contractId, ...rest } = event as EventOf<'contract.statusChanged'>;
      const contract = await tx.contract.findUniqueOrThrow({ where: { id: contractId } });
      const { nextAction } = await contractOutlook(tx, contract);
      return {
        orderingKey: `contract:${contractId}`,
        data: { contractId: id('Contract', contractId), ...rest, nextAction },
      };
    }
  }
}

/**
 * The SQL condition on `event_endpoint AS e` for the organisation's enabled endpoints that want one of these events:
 * `announce` reads them with it, and callers that read them in a statement of their own pass them to `announce`.
 */
export function endpointsWanting(organizationId: string, topics: readonly PublicTopic[]): Prisma.Sql {
  const types = topics.map((topic) => EVENT_TYPES[topic]);
  return Prisma.sql`e.organization_id = ${organizationId}::uuid AND e.enabled AND e.event_types && ${types}::text[]`;
}

/**
 * Announces an event of an organisation: to live subscribers once the transaction commits (`emit`), and to its
 * enabled endpoints that want this type, as deliveries written in the same transaction, so none is lost.
 * `endpoints`: their ids, when the caller read them already in a statement of its own.
 */
export async function announce<Topic extends PublicTopic>(
  tx: Prisma.TransactionClient,
  emit: Emit,
  topic: Topic,
  organizationId: string,
  event: EventOf<Topic>,
  endpoints?: readonly string[],
): Promise<void> {
  (emit as (...args: unknown[]) => void)(topic, organizationId, event);
  const type = EVENT_TYPES[topic];
  const ids =
    endpoints ??
    (
      await tx.$queryRaw<{ id: string }[]>`
        SELECT e.id::text AS id FROM event_endpoint AS e WHERE ${endpointsWanting(organizationId, [topic])}`
    ).map((endpoint) => endpoint.id);
  if (ids.length === 0) return;
  const { orderingKey, data } = await describe(tx, topic, event);
  const payload = { type, timestamp: new Date().toISOString(), data };
  // Raw SQL: Prisma compiles every createMany anew (its query plan cache leaves them out).
  await tx.$executeRaw`
    INSERT INTO event_delivery (id, endpoint_id, organization_id, event_type, ordering_key, payload)
    SELECT gen_random_uuid(), endpoint, ${organizationId}::uuid, ${type}, ${orderingKey}, ${JSON.stringify(payload)}::jsonb
    FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS e(endpoint, position) ORDER BY position`;
  emit('eventDelivery.queued', {});
}

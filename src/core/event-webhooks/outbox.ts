import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Prisma } from '../../db/database.ts';
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

/** The event as endpoints receive it: global ids, as the GraphQL API shows them. */
function describe<Topic extends PublicTopic>(
  topic: Topic,
  event: EventOf<Topic>,
): { orderingKey: string; data: Record<string, unknown> } {
  const id = (type: string, value: string | null) => (value ? encodeGlobalID(type, value) : null);
  switch (topic) {
    case 'posting.statusChanged':
    case 'posting.reviewed': {
      const { postingId, jobId, contractId, ...rest } = event as
        | EventOf<'posting.statusChanged'>
        | EventOf<'posting.reviewed'>;
      return {
        orderingKey: `posting:${postingId}`,
        data: {
          postingId: id('Posting', postingId),
          jobId: id('Job', jobId),
          contractId: id('Contract', contractId),
          ...rest,
        },
      };
    }
    case 'candidate.received': {
      const { applicationId, candidateId, jobId, contractId, boardId } = event as EventOf<'candidate.received'>;
      return {
        orderingKey: `candidate:${candidateId}`,
        data: {
          applicationId: id('Application', applicationId),
          candidateId: id('Candidate', candidateId),
          jobId: id('Job', jobId),
          contractId: id('Contract', contractId),
          boardId,
        },
      };
    }
    default: {
      const { contractId, ...rest } = event as EventOf<'contract.statusChanged'>;
      return { orderingKey: `contract:${contractId}`, data: { contractId: id('Contract', contractId), ...rest } };
    }
  }
}

/**
 * Announces an event of an organisation: to live subscribers once the transaction commits (`emit`), and to its
 * enabled endpoints that want this type, as deliveries written in the same transaction, so none is lost.
 */
export async function announce<Topic extends PublicTopic>(
  tx: Prisma.TransactionClient,
  emit: Emit,
  topic: Topic,
  organizationId: string,
  event: EventOf<Topic>,
): Promise<void> {
  (emit as (...args: unknown[]) => void)(topic, organizationId, event);
  const type = EVENT_TYPES[topic];
  const { orderingKey, data } = describe(topic, event);
  const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const queued = await tx.$executeRaw`
    INSERT INTO event_delivery (id, endpoint_id, organization_id, event_type, ordering_key, payload)
    SELECT gen_random_uuid(), e.id, e.organization_id, ${type}, ${orderingKey}, ${payload}::jsonb
    FROM event_endpoint AS e
    WHERE e.organization_id = ${organizationId}::uuid AND e.enabled AND ${type} = ANY (e.event_types)`;
  if (queued > 0) emit('eventDelivery.queued', {});
}

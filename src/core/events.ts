import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface ApiTokenChanged {
  action: 'CREATED' | 'REVOKED';
  tokenId: string;
}

export interface PostingStatusChanged {
  postingId: string;
  jobId: string;
  contractId: string;
  boardId: string;
  from: string | null;
  to: string;
}

export interface PostingReviewed {
  postingId: string;
  jobId: string;
  contractId: string;
  boardId: string;
  approved: boolean;
  reason: string | null;
}

export interface ContractStatusChanged {
  contractId: string;
  boardId: string;
  from: string;
  to: string;
  reason: string | null;
}

export interface CandidateReceived {
  applicationId: string;
  candidateId: string;
  /** Null while the application waits in the pending pool. */
  jobId: string | null;
  contractId: string;
  boardId: string;
}

/**
 * Every event the API publishes. Topics with an organisation id are only ever subscribed to with the
 * subscriber's own organisation, which is what scopes events to a tenant.
 */
export type EventTopics = {
  'apiToken.changed': [organizationId: string, event: ApiTokenChanged];
  'posting.statusChanged': [organizationId: string, event: PostingStatusChanged];
  'posting.reviewed': [organizationId: string, event: PostingReviewed];
  'candidate.received': [organizationId: string, event: CandidateReceived];
  'contract.statusChanged': [organizationId: string, event: ContractStatusChanged];
  /** Internal: a webhook delivery is in the inbox; workers apply it now. */
  'inbox.queued': [event: { id: string }];
  /** Internal: a delivery is waiting; workers in every process look at the outbox now instead of at their next poll. */
  'delivery.queued': [event: { deliveryId: string }];
  /** Internal: an organisation's endpoints have events waiting; workers send them now. */
  'eventDelivery.queued': [event: Record<string, never>];
  /** Internal: every process closes the connections that authenticated with this token. */
  'token.revoked': [event: { tokenId: string }];
};

export type Events = PubSub<EventTopics>;

export interface EventBus {
  events: Events;
  close(): Promise<void>;
}

/** In-process publish/subscribe, or Redis fan-out between processes when REDIS_URL is set. */
export function createEventBus(options: { redisUrl?: string | undefined; log: Logger }): EventBus {
  if (!options.redisUrl) {
    // Every open subscription listens for revocations on this target: many listeners are expected, not a leak.
    const target = new EventTarget();
    setMaxListeners(0, target);
    return { events: createPubSub<EventTopics>({ eventTarget: target as PubSubEventTarget }), close: async () => undefined };
  }

  const log = options.log.child({ component: 'events' });
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 3, lazyConnect: false });
    client.on('error', (error) => log.warn({ role, err: error.message }, 'Redis connection error; retrying'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  return {
    events: createPubSub<EventTopics>({ eventTarget: redisEventTarget(publishClient, subscribeClient, log) as PubSubEventTarget }),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * An event target over Redis pub/sub. @graphql-yoga/redis-event-target does the same but leaves the promises of
 * publish/subscribe unhandled, so a Redis outage would crash the process; here each failure is logged instead.
 */
function redisEventTarget(publishClient: Redis, subscribeClient: Redis, log: Logger): EventTarget {
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  const warn = (action: string, topic: string) => (error: Error) => log.warn({ topic, err: error.message }, `Redis ${action} failed`);
  subscribeClient.on('message', (topic: string, message: string) => {
    const callbacks = listeners.get(topic);
    if (!callbacks) return;
    let detail: unknown;
    try {
      detail = JSON.parse(message);
    } catch {
      log.warn({ topic }, 'Ignored a malformed event from Redis');
      return;
    }
    for (const listener of callbacks) {
      const event = new CustomEvent(topic, { detail });
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  });
  return {
    addEventListener(topic: string, listener: EventListenerOrEventListenerObject | null) {
      if (!listener) return;
      let callbacks = listeners.get(topic);
      if (!callbacks) {
        callbacks = new Set();
        listeners.set(topic, callbacks);
        subscribeClient.subscribe(topic).catch(warn('subscribe', topic));
      }
      callbacks.add(listener);
    },
    removeEventListener(topic: string, listener: EventListenerOrEventListenerObject | null) {
      const callbacks = listeners.get(topic);
      if (!callbacks || !listener) return;
      callbacks.delete(listener);
      if (callbacks.size > 0) return;
      listeners.delete(topic);
      if (subscribeClient.status === 'ready') subscribeClient.unsubscribe(topic).catch(warn('unsubscribe', topic));
    },
    dispatchEvent(event: Event) {
      publishClient.publish(event.type, JSON.stringify((event as CustomEvent).detail ?? null)).catch(warn('publish', event.type));
      return true;
    },
  };
}

type PubSubEventTarget = NonNullable<NonNullable<Parameters<typeof createPubSub<EventTopics>>[0]>['eventTarget']>;

type Publication = { [Topic in keyof EventTopics]: [Topic, ...EventTopics[Topic]] }[keyof EventTopics];

/** Records an event to publish once the surrounding transaction has committed (see publishAfter). */
export type Emit = (...publication: Publication) => void;

/**
 * Runs `work` and publishes what it emitted only once it has returned, i.e. after its transaction committed.
 * Work that throws publishes nothing.
 */
export async function publishAfter<T>(events: Events, work: (emit: Emit) => Promise<T>): Promise<T> {
  const pending: Publication[] = [];
  const result = await work((...publication) => pending.push(publication));
  for (const publication of pending) (events.publish as (...args: unknown[]) => void)(...publication);
  return result;
}

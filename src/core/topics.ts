import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
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
  /** The candidate's answers to the job's screening questions, and whether one was a knock-out answer. */
  answers: readonly { questionId?: string | null | undefined; question: string; answer: unknown }[];
  knockedOut: boolean;
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
export type TopicMap = {
  'apiToken.changed': [organizationId: string, event: ApiTokenChanged];
  'posting.statusChanged': [organizationId: string, event: PostingStatusChanged];
  'posting.reviewed': [organizationId: string, event: PostingReviewed];
  'candidate.received': [organizationId: string, event: CandidateReceived];
  'contract.statusChanged': [organizationId: string, event: ContractStatusChanged];
  /** Internal: webhook deliveries are in the inbox; workers apply them now. */
  'webhookInbox.queued': [event: Record<string, never>];
  /** Internal: a delivery is waiting; workers in every process look at the outbox now instead of at their next poll. */
  'boardOutbox.queued': [event: { id: string }];
  /** Internal: an organisation's endpoints have events waiting; workers send them now. */
  'eventDelivery.queued': [event: Record<string, never>];
  /** Internal: every process forgets what it kept of this contract's credentials. */
  'contract.credentialsChanged': [event: { contractId: string }];
  /** Internal: every process closes the connections that authenticated with this token. */
  'token.revoked': [event: { tokenId: string }];
};

export type Topics = PubSub<TopicMap>;

export interface TopicBus {
  topics: Topics;
  /**
   * How many listeners were ever added on topics `topic` accepts, counted once they can hear events (in this
   * process at once; with Redis once Redis has confirmed the channel). It never goes down: a test waits on it to
   * know its subscription is live.
   */
  listenersAdded(topic?: (name: string) => boolean): number;
  close(): Promise<void>;
}

/** Listeners added, by topic, counted once they can hear events. */
class ListenerCounts {
  private readonly byTopic = new Map<string, number>();
  add(topic: string, count: number) {
    this.byTopic.set(topic, (this.byTopic.get(topic) ?? 0) + count);
  }
  total(accept: (name: string) => boolean = () => true): number {
    let total = 0;
    for (const [topic, count] of this.byTopic) if (accept(topic)) total += count;
    return total;
  }
}

/** In-process publish/subscribe, or Redis fan-out between processes when REDIS_URL is set. */
export async function createTopicBus(options: { redisUrl?: string | undefined; log: Logger }): Promise<TopicBus> {
  if (!options.redisUrl) {
    // Every open subscription listens for revocations on this target: many listeners are expected, not a leak.
    const counts = new ListenerCounts();
    const target = new CountingEventTarget(counts);
    setMaxListeners(0, target);
    return {
      topics: createPubSub<TopicMap>({ eventTarget: target as PubSubEventTarget }),
      listenersAdded: (topic) => counts.total(topic),
      close: async () => undefined,
    };
  }

  const log = options.log.child({ component: 'topics' });
  // Loaded only with REDIS_URL: a single process starts without it.
  const { Redis } = await import('ioredis');
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 3, lazyConnect: false });
    client.on('error', (error) => log.warn({ role, err: error.message }, 'Redis connection error; retrying'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  const counts = new ListenerCounts();
  return {
    topics: createPubSub<TopicMap>({
      eventTarget: redisEventTarget(publishClient, subscribeClient, log, counts) as PubSubEventTarget,
    }),
    listenersAdded: (topic) => counts.total(topic),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * An event target over Redis pub/sub. @graphql-yoga/redis-event-target does the same but leaves the promises of
 * publish/subscribe unhandled, so a Redis outage would crash the process; here each failure is logged instead.
 */
class CountingEventTarget extends EventTarget {
  private readonly registered = new Map<string, Set<EventListenerOrEventListenerObject>>();
  constructor(private readonly counts: ListenerCounts) {
    super();
  }
  override addEventListener(
    topic: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ) {
    super.addEventListener(topic, listener, options);
    const listeners = this.registered.get(topic) ?? new Set();
    if (!listener || listeners.has(listener)) return;
    this.registered.set(topic, listeners.add(listener));
    this.counts.add(topic, 1);
  }
  override removeEventListener(
    topic: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ) {
    super.removeEventListener(topic, listener, options);
    if (listener) this.registered.get(topic)?.delete(listener);
  }
}

function redisEventTarget(
  publishClient: Redis,
  subscribeClient: Redis,
  log: Logger,
  counts: ListenerCounts,
): EventTarget {
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  // Topics whose SUBSCRIBE Redis has confirmed: only their listeners can hear events.
  const confirmed = new Set<string>();
  const warn = (action: string, topic: string) => (error: Error) =>
    log.warn({ topic, err: error.message }, `Redis ${action} failed`);
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
        const created = new Set<EventListenerOrEventListenerObject>();
        callbacks = created;
        listeners.set(topic, created);
        subscribeClient
          .subscribe(topic)
          .then(() => {
            if (listeners.get(topic) !== created) return;
            confirmed.add(topic);
            counts.add(topic, created.size);
          })
          .catch(warn('subscribe', topic));
      }
      if (callbacks.has(listener)) return;
      callbacks.add(listener);
      if (confirmed.has(topic)) counts.add(topic, 1);
    },
    removeEventListener(topic: string, listener: EventListenerOrEventListenerObject | null) {
      const callbacks = listeners.get(topic);
      if (!callbacks || !listener || !callbacks.delete(listener)) return;
      if (callbacks.size > 0) return;
      listeners.delete(topic);
      confirmed.delete(topic);
      if (subscribeClient.status === 'ready') subscribeClient.unsubscribe(topic).catch(warn('unsubscribe', topic));
    },
    dispatchEvent(event: Event) {
      publishClient
        .publish(event.type, JSON.stringify((event as CustomEvent).detail ?? null))
        .catch(warn('publish', event.type));
      return true;
    },
  };
}

type PubSubEventTarget = NonNullable<NonNullable<Parameters<typeof createPubSub<TopicMap>>[0]>['eventTarget']>;

type Publication = { [Topic in keyof TopicMap]: [Topic, ...TopicMap[Topic]] }[keyof TopicMap];

/** Records an event to publish once the surrounding transaction has committed (see publishAfter). */
export type Emit = (...publication: Publication) => void;

/**
 * Runs `work` and publishes what it emitted only once it has returned, i.e. after its transaction committed.
 * Work that throws publishes nothing.
 */
export async function publishAfter<T>(events: Topics, work: (emit: Emit) => Promise<T>): Promise<T> {
  const pending: Publication[] = [];
  const result = await work((...publication) => pending.push(publication));
  for (const publication of pending) (events.publish as (...args: unknown[]) => void)(...publication);
  return result;
}

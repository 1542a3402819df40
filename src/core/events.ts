import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface ApiTokenChanged {
  action: 'CREATED' | 'REVOKED';
  tokenId: string;
}

/**
 * Every event the API publishes. Topics with an organisation id are only ever subscribed to with the
 * subscriber's own organisation, which is what scopes events to a tenant.
 */
export type EventTopics = {
  'apiToken.changed': [organizationId: string, event: ApiTokenChanged];
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
  if (!options.redisUrl) return { events: createPubSub<EventTopics>(), close: async () => undefined };

  const log = options.log.child({ component: 'events' });
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, { maxRetriesPerRequest: 3, lazyConnect: false });
    client.on('error', (error) => log.warn({ role, err: error.message }, 'Redis connection error; retrying'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  return {
    events: createPubSub<EventTopics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) }),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

type Publication = { [Topic in keyof EventTopics]: [Topic, ...EventTopics[Topic]] }[keyof EventTopics];

/**
 * Runs `work` and publishes what it emitted only once it has returned, i.e. after its transaction committed.
 * Work that throws publishes nothing.
 */
export async function publishAfter<T>(events: Events, work: (emit: (...publication: Publication) => void) => Promise<T>): Promise<T> {
  const pending: Publication[] = [];
  const result = await work((...publication) => pending.push(publication));
  for (const publication of pending) (events.publish as (...args: unknown[]) => void)(...publication);
  return result;
}

import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import type { Events } from '../core/events.ts';
import type { Context } from '../schema/context.ts';

/** A stream that ends when the token that opened it is revoked, in this process or any other. */
function endWhenRevoked<T>(source: AsyncIterable<T>, events: Events, tokenId: string): AsyncIterableIterator<T> {
  const revoked = new Repeater<never>(async (_push, stop) => {
    const revocations = events.subscribe('token.revoked');
    void stop.then(() => revocations.return?.());
    for await (const event of revocations) {
      if (event.tokenId === tokenId) break;
    }
    stop();
  });
  return Repeater.race([source, revoked]) as AsyncIterableIterator<T>;
}

/** Ends every subscription, over SSE or WebSocket, as soon as the token behind it is revoked. */
export function useEndSubscriptionsOnRevocation(events: Events): Plugin {
  return {
    onSubscribe({ args }) {
      const viewer = (args.contextValue as Partial<Context>).viewer;
      if (!viewer) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endWhenRevoked(result, events, viewer.tokenId));
        },
      };
    },
  };
}

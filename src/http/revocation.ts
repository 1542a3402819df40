import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import type { Topics } from '../core/topics.ts';
import type { Context } from '../schema/context.ts';

/** A stream that ends when the token that opened it is revoked, in this process or any other. */
function endWhenRevoked<T>(source: AsyncIterable<T>, topics: Topics, tokenId: string): AsyncIterableIterator<T> {
  const revoked = new Repeater<never>(async (_push, stop) => {
    const revocations = topics.subscribe('token.revoked');
    void stop.then(() => revocations.return?.());
    for await (const event of revocations) {
      if (event.tokenId === tokenId) break;
    }
    stop();
  });
  return Repeater.race([source, revoked]) as AsyncIterableIterator<T>;
}

/** Ends every subscription, over SSE or WebSocket, as soon as the token behind it is revoked. */
export function useEndSubscriptionsOnRevocation(topics: Topics): Plugin {
  return {
    onSubscribe({ args }) {
      const viewer = (args.contextValue as Partial<Context>).viewer;
      if (!viewer) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endWhenRevoked(result, topics, viewer.tokenId));
        },
      };
    },
  };
}

import { checkOnBoard, feedSourceOf, fetchBoardState } from '../core/postings/board-state.ts';
import type { PostingDeps } from '../core/postings/postings.ts';
import type { Context } from './context.ts';

/** What the posting operations need, from a request's context. */
export const postingDeps = (context: Context): PostingDeps => ({
  ...context,
  fetchState: (plugin, contract, externalId) => fetchBoardState(context, plugin, contract, externalId),
  feedSource: (plugin, contract) => feedSourceOf(context, plugin, contract),
  checkOnBoard: (plugin, contract, posting) => checkOnBoard(context, plugin, contract, posting),
});

import type { Viewer } from '../core/auth/viewer.ts';
import type { Services } from '../core/services.ts';

/** A request's context: the core's services, and who is asking from where. */
export interface Context extends Services {
  /** Where the request comes from (rate limits per address). */
  clientAddress: string;
  /** Null only for introspection-only operations, which the server lets through without a token. */
  viewer: Viewer | null;
}

/** The viewer of an operation the server authenticated; every resolver outside introspection has one. */
export function viewerOf(context: Context): Viewer {
  if (!context.viewer) throw new Error('Resolver reached without an authenticated viewer.');
  return context.viewer;
}

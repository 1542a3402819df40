import type { BoardPlugin } from '../plugin-sdk/types.ts';

/** The boards that ship with the server, loaded unless configured otherwise. */
export const BUILT_IN_PLUGINS: BoardPlugin[] = [];

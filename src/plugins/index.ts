import type { BoardPlugin } from '@multiposting/plugin-sdk';
import franceTravail from './france-travail/plugin.ts';
import ingoedebanen from './ingoedebanen/plugin.ts';
import leForem from './le-forem/plugin.ts';
import topcv from './topcv/plugin.ts';
import xmlJobFeed from './xml-job-feed/plugin.ts';

/** The boards that ship with the server, always loaded; BOARD_PLUGINS adds others. */
export const BUILT_IN_PLUGINS: BoardPlugin[] = [leForem, franceTravail, topcv, ingoedebanen, xmlJobFeed];

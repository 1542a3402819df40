import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './errors.ts';
import './organizations.ts';
import './users.ts';
import './api-tokens.ts';
import './viewer.ts';
import './boards.ts';
import './contracts.ts';
import './jobs.ts';
import './postings.ts';
import './candidates.ts';
import './attribution.ts';
import './analytics.ts';
import './event-webhooks.ts';
import type { BoardPlugin } from '@multiposting/plugin-sdk';
import { BUILT_IN_PLUGINS } from '../plugins/index.ts';
import { registerBoardPlugins } from './board-plugins.ts';

let schema: GraphQLSchema | undefined;

/** The schema with the core types and those of the loaded board plugins; built once per process. */
export function buildSchema(plugins: readonly BoardPlugin[]): GraphQLSchema {
  registerBoardPlugins(plugins);
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}

/** The SDL committed as schema.graphql: the core and the built-in board plugins. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema(BUILT_IN_PLUGINS)))}\n`;
}

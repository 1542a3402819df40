import { z } from 'zod';
import { brand } from './brand.ts';
import type { HttpClient } from './http.ts';
import type { PluginLogger } from './types.ts';

/** A JSON value a plugin keeps in its state store. */
export type StateValue = string | number | boolean | null | StateValue[] | { [key: string]: StateValue };

/**
 * A small key-value store the core keeps for each plugin and organisation (settings a board needs beyond a
 * contract's credentials, e.g. a per-user e-mail). Keys are at most 200 characters; values are JSON.
 */
export interface PluginState {
  get(key: string): Promise<StateValue | undefined>;
  set(key: string, value: StateValue): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<Array<{ key: string; value: StateValue; updatedAt: Date }>>;
}

export interface ExtensionUser {
  id: string;
  email: string;
  name: string;
  role: 'ADMIN' | 'RECRUITER';
}

/** What the core hands to a plugin's own query or mutation. */
export interface ExtensionContext {
  /** The caller. */
  viewer: ExtensionUser;
  /** The caller's organisation's users: `find` answers null for an id from another organisation. */
  users: { find(id: string): Promise<ExtensionUser | null> };
  /** This plugin's state in the caller's organisation. */
  state: PluginState;
  log: PluginLogger;
  /** HTTP to the board's API in one of its environments (its configured address), e.g. to file a request there. */
  http(environment: string): HttpClient;
  now(): Date;
}

/**
 * One query or mutation a plugin adds. The core derives its GraphQL arguments and result type from the zod
 * schemas (strings, numbers, integers, booleans, enums, objects, lists; optional and nullable), validates the
 * arguments before `resolve` runs and answers a ValidationError with field paths when they do not match.
 */
export interface ExtensionOperation<Args extends z.ZodObject = z.ZodObject, Result extends z.ZodObject = z.ZodObject> {
  description: string;
  /** `member`: any user of the organisation; `admin`: admins only. Mutations also need a WRITE token. */
  access: 'member' | 'admin';
  args: Args;
  result: Result;
  /** Throw `ExtensionInputError` for input the schema could not refuse (e.g. a user id from elsewhere). */
  resolve(context: ExtensionContext, args: z.output<Args>): Promise<z.input<Result>>;
}

/**
 * The GraphQL a plugin adds beyond what the core generates for every board. Field names must carry the plugin's
 * prefix: `ingoedebanenUserEmails`, or a verb then the prefix, `setIngoedebanenUserEmail`; the core names the
 * argument and result types after the field (`SetIngoedebanenUserEmailInput`, `SetIngoedebanenUserEmailResult`).
 */
export interface SchemaExtension {
  queries?: Record<string, ExtensionOperation>;
  mutations?: Record<string, ExtensionOperation>;
}

/** Declares one operation with its argument types inferred from the schemas. */
export function defineOperation<Args extends z.ZodObject, Result extends z.ZodObject>(
  operation: ExtensionOperation<Args, Result>,
): ExtensionOperation {
  return operation as unknown as ExtensionOperation;
}

/** An argument or result field holding the id of one of the API's objects, e.g. `nodeId('User')`. */
export function nodeId(type: 'User' | 'Job' | 'Contract') {
  return z.string().meta({ node: type });
}

/** Input refused by a plugin operation's own checks; answered as a ValidationError on `path` (under the input). */
const extensionInputErrorBrand = brand('ExtensionInputError');

export class ExtensionInputError extends Error {
  override name = 'ExtensionInputError';
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === ExtensionInputError
      ? extensionInputErrorBrand.hasInstance(value)
      : Function.prototype[Symbol.hasInstance].call(this, value);
  }
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
    extensionInputErrorBrand.mark(this);
  }
}

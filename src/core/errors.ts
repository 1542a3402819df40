import type { BoardErrorCode } from '@multiposting/plugin-sdk';
import type { z } from 'zod';

/** Expected failures. The GraphQL layer returns each as a typed member of a mutation's result union. */
export class DomainError extends Error {
  override name = 'DomainError';
}

export interface FieldError {
  /** Path of the offending field in the input, e.g. ["input", "email"]. */
  path: string[];
  message: string;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(readonly fieldErrors: FieldError[]) {
    super(fieldErrors.map((error) => `${error.path.join('.') || 'input'}: ${error.message}`).join('; '));
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`No ${resource} with id ${id} in this organisation.`);
  }
}

/**
 * A call to a board failed (unreachable, refused, rate limited, or its plugin failed); the message is safe to show.
 * Made in one place, the board gateway (`BoardRegistry.call`).
 */
export class BoardUnavailableError extends DomainError {
  override name = 'BoardUnavailableError';
  /** The plugin's BoardError code, or PLUGIN_FAILED when the plugin threw anything else. */
  readonly code: BoardErrorCode | 'PLUGIN_FAILED';
  /** Seconds the board asked us to wait before trying again, when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The board fields the board refused, paths within boardFields. */
  readonly fields: readonly { path: (string | number)[]; message: string }[];

  constructor(
    message: string,
    readonly retryable: boolean,
    details: {
      code?: BoardErrorCode | 'PLUGIN_FAILED';
      retryAfterSeconds?: number;
      fields?: readonly { path: (string | number)[]; message: string }[];
    } = {},
  ) {
    super(message);
    this.code = details.code ?? 'UNAVAILABLE';
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.fields = details.fields ?? [];
  }
}

/** Parses external input with a zod schema; failures become a ValidationError whose paths start at `root`. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  root: string[] = ['input'],
): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [...root, ...issue.path.map(String), key],
            message: 'is not a known field',
          }))
        : [{ path: [...root, ...issue.path.map(String)], message: issue.message }],
    ),
  );
}

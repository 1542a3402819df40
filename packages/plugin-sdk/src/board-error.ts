import { brand } from './brand.ts';

/** One board field the board refused: its path within the posting's `boardFields`, and why. */
export interface BoardFieldError {
  path: readonly (string | number)[];
  message: string;
}

export type BoardErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'NETWORK'
  | 'BAD_RESPONSE'
  | 'CONFLICT';

const boardErrorBrand = brand('BoardError');

/** A failure talking to a board. `userMessage` is safe to show a recruiter; it must never contain a secret. */
export class BoardError extends Error {
  /** True for a BoardError of any copy of the SDK (see brand.ts); subclasses keep the usual prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === BoardError
      ? boardErrorBrand.hasInstance(value)
      : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  override name = 'BoardError';
  readonly code: BoardErrorCode;
  /** True when trying again later may succeed (timeouts, 5xx, 429, network). */
  readonly retryable: boolean;
  readonly userMessage: string;
  /** Seconds the board asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** HTTP status of the board's answer, when there was one. */
  readonly status: number | undefined;
  /**
   * The board fields the board refused, by path within `boardFields` (e.g. `["postalCode"]`), each with the
   * board's reason: the recruiter sees them on the posting's fields and corrects them with updatePosting.
   */
  readonly fields: readonly BoardFieldError[];

  constructor(options: {
    code: BoardErrorCode;
    retryable: boolean;
    userMessage: string;
    retryAfterSeconds?: number;
    status?: number;
    fields?: readonly BoardFieldError[];
  }) {
    super(options.userMessage);
    this.code = options.code;
    this.retryable = options.retryable;
    this.userMessage = options.userMessage;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.status = options.status;
    this.fields = options.fields ?? [];
    boardErrorBrand.mark(this);
  }
}

/** The BoardError for an HTTP status that is not a success. */
export function boardErrorForStatus(status: number, retryAfter: string | null, what = 'The board'): BoardError {
  const retryAfterSeconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (status === 429) {
    return new BoardError({
      code: 'RATE_LIMITED',
      retryable: true,
      status,
      userMessage: `${what} is rate limiting requests.`,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }
  if (status >= 500)
    return new BoardError({
      code: 'UNAVAILABLE',
      retryable: true,
      status,
      userMessage: `${what} answered with a server error (${status}).`,
    });
  if (status === 401)
    return new BoardError({
      code: 'UNAUTHORIZED',
      retryable: false,
      status,
      userMessage: `${what} refused the credentials.`,
    });
  if (status === 403)
    return new BoardError({ code: 'FORBIDDEN', retryable: false, status, userMessage: `${what} refused access.` });
  if (status === 404)
    return new BoardError({
      code: 'NOT_FOUND',
      retryable: false,
      status,
      userMessage: `${what} does not know this resource.`,
    });
  if (status === 409)
    return new BoardError({ code: 'CONFLICT', retryable: false, status, userMessage: `${what} reported a conflict.` });
  if (status === 408)
    return new BoardError({ code: 'TIMEOUT', retryable: true, status, userMessage: `${what} timed out.` });
  return new BoardError({
    code: 'VALIDATION',
    retryable: false,
    status,
    userMessage: `${what} refused the request (${status}).`,
  });
}

import { BoardError, boardErrorForStatus } from './board-error.ts';

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to `baseUrl`. */
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as it is, e.g. an XML document built with a library; `contentType` says what it is. */
  body?: string;
  contentType?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  /** Statuses to return instead of throwing, e.g. [401] to read a refusal as an answer. */
  acceptStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the board sent JSON, else the text. */
  body: unknown;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * fetch with a timeout and an abort signal. Network failures, timeouts and non-2xx answers (unless accepted)
 * become BoardError, retryable where trying again may help.
 */
export function createHttpClient(options: {
  baseUrl?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  boardName?: string;
}): HttpClient {
  const what = options.boardName ?? 'The board';
  return {
    async request(request) {
      const url = options.baseUrl
        ? new URL(request.url, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`)
        : new URL(request.url);
      const timeout = AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      let body: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(request.form).toString();
      } else if (request.body !== undefined) {
        headers['content-type'] = request.contentType ?? 'text/plain; charset=utf-8';
        body = request.body;
      }
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method: request.method ?? 'GET', headers, body, signal, redirect: 'error' });
        text = await response.text();
      } catch (error) {
        if (timeout.aborted)
          throw new BoardError({ code: 'TIMEOUT', retryable: true, userMessage: `${what} did not answer in time.` });
        if (options.signal?.aborted)
          throw new BoardError({
            code: 'NETWORK',
            retryable: true,
            userMessage: 'The request to the board was cancelled.',
          });
        throw new BoardError({
          code: 'NETWORK',
          retryable: true,
          userMessage: `${what} could not be reached (${(error as Error & { cause?: { code?: string } }).cause?.code ?? 'network error'}).`,
        });
      }
      if (!response.ok && !request.acceptStatuses?.includes(response.status)) {
        throw boardErrorForStatus(response.status, response.headers.get('retry-after'), what);
      }
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new BoardError({
            code: 'BAD_RESPONSE',
            retryable: true,
            status: response.status,
            userMessage: `${what} sent a malformed answer.`,
          });
        }
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}

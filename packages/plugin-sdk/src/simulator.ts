// Simulators of job boards' APIs for plugin tests and local demos (`@multiposting/plugin-sdk/simulator`).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the simulator received. */
export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The fault answered instead of the route, if any. */
  fault?: Fault['type'];
}

export interface SimulatorRequest {
  method: string;
  path: string;
  /** Path parameters, from `:name` segments of the route. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON or form body; the raw text otherwise. */
  body: unknown;
}

export interface SimulatorResponse {
  status?: number;
  json?: unknown;
  text?: string;
  /** Bytes sent as they are (a file), instead of `json` or `text`. */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: SimulatorRequest) => SimulatorResponse | Promise<SimulatorResponse>;

/**
 * Faults answered instead of the next matching requests: a server error, a rate limit with Retry-After, no
 * answer until the client gives up, a reset connection, or an answer that is not what the API promises.
 */
export type Fault =
  | { type: 'error'; status?: number }
  | { type: 'rateLimit'; retryAfterSeconds: number }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'garbage' }
  /** The board handles the request but its answer never arrives: the client times out after the effect. */
  | { type: 'lost' };

export interface Simulator {
  url: string;
  calls: RecordedCall[];
  /** Answers the next `times` requests (only those of `method` and whose path starts with `pathPrefix`, if given) with `fault`. */
  inject(fault: Fault, options?: { times?: number; pathPrefix?: string; method?: string }): void;
  /** Delays every answer by this many milliseconds (0 to stop). */
  setLatency(ms: number): void;
  /**
   * Answers a share of requests (of one method, if given) with each fault, at random, until cleared with
   * `injectRandomly([])`; shares add up, e.g. 20 % errors and 10 % lost answers.
   */
  injectRandomly(faults: { fault: Fault; rate: number; method?: string }[]): void;
  close(): Promise<void>;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (text && type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (text && type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return text;
}

/**
 * An HTTP server on an ephemeral loopback port that plays a board's API: routes `'METHOD /path/:param'`,
 * every call recorded, faults injected on demand: build a board's simulator on it.
 */
export async function startSimulator(routes: Record<string, RouteHandler>): Promise<Simulator> {
  const compiled = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, ...compile(pattern), handler };
  });
  const calls: RecordedCall[] = [];
  const queued: { fault: Fault; times: number; pathPrefix?: string; method?: string }[] = [];
  let random: { fault: Fault; rate: number; method?: string }[] = [];
  const hanging = new Set<ServerResponse>();
  let latencyMs = 0;

  const takeFault = (path: string, method: string): Fault | undefined => {
    const index = queued.findIndex(
      (entry) => (!entry.pathPrefix || path.startsWith(entry.pathPrefix)) && (!entry.method || entry.method === method),
    );
    if (index >= 0) {
      const entry = queued[index]!;
      entry.times -= 1;
      if (entry.times <= 0) queued.splice(index, 1);
      return entry.fault;
    }
    let draw = Math.random();
    for (const entry of random) {
      if (entry.method && entry.method !== method) continue;
      if (draw < entry.rate) return entry.fault;
      draw -= entry.rate;
    }
    return undefined;
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const body = await readBody(request);
    const call: RecordedCall = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
    };
    calls.push(call);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = takeFault(url.pathname, call.method);
    if (fault) {
      call.fault = fault.type;
      switch (fault.type) {
        case 'error':
          response
            .writeHead(fault.status ?? 500, { 'content-type': 'application/json' })
            .end('{"error":"simulated failure"}');
          return;
        case 'rateLimit':
          response
            .writeHead(429, { 'retry-after': String(fault.retryAfterSeconds), 'content-type': 'application/json' })
            .end('{"error":"rate limited"}');
          return;
        case 'hang':
          hanging.add(response);
          response.once('close', () => hanging.delete(response));
          return;
        case 'reset':
          request.socket.destroy();
          return;
        case 'garbage':
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"unterminated": ');
          return;
        case 'lost':
          hanging.add(response);
          response.once('close', () => hanging.delete(response));
          break;
      }
    }
    for (const route of compiled) {
      if (route.method !== request.method) continue;
      const match = route.regex.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(
        route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]),
      );
      try {
        const result = await route.handler({
          method: call.method,
          path: url.pathname,
          params,
          query: url.searchParams,
          headers: request.headers,
          body,
        });
        if (fault?.type === 'lost') return;
        const headers = { ...result.headers };
        if (result.json !== undefined) headers['content-type'] ??= 'application/json';
        response
          .writeHead(result.status ?? 200, headers)
          .end(result.json !== undefined ? JSON.stringify(result.json) : (result.bytes ?? result.text ?? ''));
      } catch (error) {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: (error as Error).message }));
      }
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such route"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    inject(fault, { times = 1, pathPrefix, method } = {}) {
      queued.push({ fault, times, ...(pathPrefix ? { pathPrefix } : {}), ...(method ? { method } : {}) });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    injectRandomly(faults) {
      random = faults;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { sendWebhook, type SendOutcome, type SignedDelivery } from './send-webhook.ts';

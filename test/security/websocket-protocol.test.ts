import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestServer, type TestServer } from '../support/server.ts';

/** The graphql-ws protocol (graphql-transport-ws) as a client that misbehaves would see it, on raw sockets. */

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ env: { WS_INIT_TIMEOUT_MS: '300' } });
  admin = await server.tokenFor('ws-protocol');
});
afterAll(async () => {
  await server?.stop();
});

interface Socket {
  send(message: unknown): void;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  messages: Record<string, any>[];
  next(type: string): Promise<Record<string, any>>;
  raw: WebSocket;
}

async function open(protocol = 'graphql-transport-ws'): Promise<Socket> {
  const raw = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, protocol ? [protocol] : []);
  const messages: Record<string, any>[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    raw.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  raw.on('message', (data) => messages.push(JSON.parse(data.toString())));
  raw.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    raw.once('open', () => resolve());
    raw.once('close', () => resolve());
  });
  return {
    raw,
    messages,
    closed,
    send: (message) => raw.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(type) {
      await eventually(() => messages.some((message) => message.type === type), 5000, `a ${type} message`);
      return messages.find((message) => message.type === type)!;
    },
  };
}

async function acknowledged(token = admin): Promise<Socket> {
  const socket = await open();
  socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
  await socket.next('connection_ack');
  return socket;
}

const TOKEN_CHANGED = 'subscription { apiTokenChanged { action apiToken { id } } }';

describe('graphql-ws close codes', () => {
  test('no connection_init within WS_INIT_TIMEOUT_MS: 4408', async () => {
    const socket = await open();
    expect((await socket.closed).code).toBe(4408);
  });

  test('a missing, unknown or revoked token: 4403, before any operation runs', async () => {
    for (const payload of [
      undefined,
      {},
      { authorization: 'Bearer mp_nothing' },
      { token: 42 },
      { authorization: `Basic ${admin}` },
    ]) {
      const socket = await open();
      socket.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
      expect(await socket.closed, JSON.stringify(payload)).toEqual({ code: 4403, reason: 'Forbidden' });
      expect(socket.messages).toEqual([]);
    }
  });

  test('subscribing before the connection is acknowledged: 4401', async () => {
    const socket = await open();
    socket.send({ type: 'subscribe', id: '1', payload: { query: TOKEN_CHANGED } });
    expect((await socket.closed).code).toBe(4401);
  });

  test('a second connection_init: 4429; a duplicate subscription id: 4409', async () => {
    const twice = await acknowledged();
    twice.send({ type: 'connection_init', payload: { authorization: `Bearer ${admin}` } });
    expect((await twice.closed).code).toBe(4429);

    const duplicate = await acknowledged();
    duplicate.send({ type: 'subscribe', id: 'same', payload: { query: TOKEN_CHANGED } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    duplicate.send({ type: 'subscribe', id: 'same', payload: { query: TOKEN_CHANGED } });
    expect((await duplicate.closed).code).toBe(4409);
  });

  test('invalid messages: 4400 (not JSON, unknown type, missing id or payload)', async () => {
    for (const message of [
      '{not json',
      { type: 'bogus' },
      { type: 'subscribe', payload: { query: '{ viewer { organization { id } } }' } },
      { type: 'subscribe', id: '1' },
      [1, 2],
    ]) {
      const socket = await acknowledged();
      socket.send(message);
      expect((await socket.closed).code, JSON.stringify(message)).toBe(4400);
    }
  });

  test('no or another subprotocol: 4406; a message over 1 MiB: 1009', async () => {
    const old = await open('');
    expect((await old.closed).code).toBe(4406);
    const socket = await acknowledged();
    socket.send({
      type: 'subscribe',
      id: '1',
      payload: { query: `{ viewer { user { id } } } # ${'x'.repeat(1024 * 1024)}` },
    });
    expect((await socket.closed).code).toBe(1009);
  });

  test('operations refused by validation or limits answer an error message and leave the connection open', async () => {
    const socket = await acknowledged();
    socket.send({ type: 'subscribe', id: 'a', payload: { query: 'subscription { nothingLikeThis }' } });
    const error = await socket.next('error');
    expect(error).toMatchObject({ id: 'a', payload: [{ message: expect.stringContaining('nothingLikeThis') }] });
    const aliased = `{ ${Array.from({ length: 40 }, (_, index) => `a${index}: viewer { user { id } }`).join(' ')} }`;
    socket.send({ type: 'subscribe', id: 'b', payload: { query: aliased } });
    await eventually(
      () => socket.messages.some((message) => message.type === 'error' && message.id === 'b'),
      5000,
      'the alias limit',
    );
    expect(JSON.stringify(socket.messages.find((message) => message.id === 'b'))).toMatch(/alias/i);
    socket.send({ type: 'ping' });
    await socket.next('pong');
    expect(socket.raw.readyState).toBe(WebSocket.OPEN);
    socket.raw.close();
  });
});

describe('revocation', () => {
  test('revoking the token closes its WebSocket with 4403 and ends its SSE stream; a new connection with it is refused', async () => {
    const created = await server.graphql(
      `mutation { createApiToken(input: { name: "short-lived", scopes: [READ, WRITE] }) { ... on CreateApiTokenPayload { token apiToken { id } } } }`,
      { token: admin },
    );
    const { token, apiToken } = created.body.data!.createApiToken;
    const socket = await acknowledged(token);
    socket.send({ type: 'subscribe', id: 's', payload: { query: 'subscription { postingStatusChanged { to } }' } });

    const controller = new AbortController();
    const stream = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'subscription { postingStatusChanged { to } }' }),
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    const ended = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += Buffer.from(chunk.value).toString('utf8');
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const revoked = await server.graphql(`mutation ($id: ID!) { revokeApiToken(id: $id) { __typename } }`, {
      token: admin,
      variables: { id: apiToken.id },
    });
    expect(revoked.body.data).toEqual({ revokeApiToken: { __typename: 'ApiToken' } });
    expect(await socket.closed).toEqual({ code: 4403, reason: 'Forbidden: token revoked' });
    await Promise.race([
      ended,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the SSE stream did not end')), 5000)),
    ]);
    expect(text).toContain('event: complete');
    controller.abort();

    const again = await open();
    again.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect((await again.closed).code).toBe(4403);
    const sse = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'subscription { postingStatusChanged { to } }' }),
    });
    expect(sse.status).toBe(401);
  });
});

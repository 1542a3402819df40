import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads the body up to `limit` bytes; null when it is longer (the rest is not read). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a GraphQL request's body up to `limit` bytes and hands it to Yoga on `request.body` (which it takes instead
 * of the stream); a longer one answers 413 and closes the connection. False when the request was answered here.
 */
export async function readGraphQLBody(
  request: IncomingMessage & { body?: Buffer },
  response: ServerResponse,
  limit: number,
): Promise<boolean> {
  let body: Buffer | null;
  try {
    body = await readBody(request, limit);
  } catch {
    request.destroy();
    return false;
  }
  if (body === null) {
    const error = {
      message: `The request body is larger than ${limit} bytes.`,
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    };
    response
      .writeHead(413, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ errors: [error] }));
    return false;
  }
  request.body = body;
  return true;
}

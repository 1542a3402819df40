import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsV4Signer } from 'aws4fetch';

export interface S3Simulator {
  /** The bucket's path-style URL. */
  bucketUrl: string;
  /** Objects by key. */
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** Requests refused for a missing or wrong signature. */
  refused: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An S3-compatible bucket on a loopback port: PUT, GET and DELETE of objects, path-style, every request's SigV4
 * signature checked against the given credentials (recomputed from the request as received).
 */
export async function startS3Simulator(options: {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
}): Promise<S3Simulator> {
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const state = { refused: 0 };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const authorization = String(request.headers.authorization ?? '');
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')]));
    const expected = await new AwsV4Signer({
      url: url.toString(),
      method: request.method ?? 'GET',
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      region: options.region,
      service: 's3',
      datetime: String(request.headers['x-amz-date'] ?? ''),
    }).sign();
    if (!authorization || expected.headers.get('authorization') !== authorization) {
      state.refused += 1;
      response
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    const prefix = `/${options.bucket}/`;
    if (!url.pathname.startsWith(prefix)) {
      response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchBucket</Code></Error>');
      return;
    }
    const key = decodeURIComponent(url.pathname.slice(prefix.length));
    if (request.method === 'PUT') {
      objects.set(key, { body, contentType: String(request.headers['content-type'] ?? 'application/octet-stream') });
      response.writeHead(200).end();
    } else if (request.method === 'GET') {
      const object = objects.get(key);
      if (!object)
        response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      else
        response
          .writeHead(200, { 'content-type': object.contentType, 'content-length': String(object.body.length) })
          .end(object.body);
    } else if (request.method === 'DELETE') {
      objects.delete(key);
      response.writeHead(204).end();
    } else {
      response.writeHead(405).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    bucketUrl: `http://127.0.0.1:${port}/${options.bucket}`,
    objects,
    get refused() {
      return state.refused;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { assertSafeKey, type DocumentStorage } from './storage.ts';

export interface S3Options {
  /** The bucket's URL: virtual-hosted (`https://bucket.s3.eu-west-1.amazonaws.com`) or path-style (`http://minio:9000/bucket`). */
  bucketUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Documents as objects in an S3-compatible bucket (AWS S3, MinIO, R2, …), requests signed with SigV4. */
export class S3DocumentStorage implements DocumentStorage {
  private readonly client: AwsClient;

  constructor(private readonly options: S3Options) {
    this.client = new AwsClient({
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      region: options.region,
      service: 's3',
    });
  }

  private url(key: string): string {
    assertSafeKey(key);
    return `${this.options.bucketUrl.replace(/\/+$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async call(
    method: string,
    key: string,
    init: { body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = init.body ? new Uint8Array(init.body) : undefined;
    const response = await this.client.fetch(this.url(key), {
      method,
      headers: init.headers ?? {},
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok && response.status !== 404) {
      await response.body?.cancel();
      throw new Error(`The document storage answered ${method} with HTTP ${response.status}`);
    }
    return response;
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    const response = await this.call('PUT', key, { body: data, headers: { 'content-type': contentType } });
    await response.body?.cancel();
    if (!response.ok) throw new Error('The document storage does not have the bucket (HTTP 404)');
  }

  async get(key: string): Promise<Readable | null> {
    const response = await this.call('GET', key);
    if (response.status === 404 || !response.body) {
      await response.body?.cancel();
      return null;
    }
    return Readable.fromWeb(response.body as WebReadableStream);
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map(async (key) => (await this.call('DELETE', key)).body?.cancel()));
  }
}

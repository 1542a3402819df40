import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Where document bytes live. Keys are `/`-separated ids the core chooses; never user input. */
export interface DocumentStorage {
  /** Writes (or overwrites) the object; resolves once it is durable. */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Readable | null>;
  /** Removes the objects; missing ones are not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Keys are the core's own ids; anything else (a `..`, an absolute path) is a bug, refused before any I/O. */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`Invalid document key "${key}"`);
}

/** Documents as files under one directory (DATA_DIR/documents by default). */
export class LocalDocumentStorage implements DocumentStorage {
  constructor(private readonly directory: string) {}

  private file(key: string): string {
    assertSafeKey(key);
    return path.join(this.directory, ...key.split('/'));
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Write then rename, so a reader never sees half a file and a crash leaves no truncated one.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, data, { mode: 0o600, flush: true });
    await rename(partial, file);
  }

  async get(key: string): Promise<Readable | null> {
    const file = this.file(key);
    try {
      await stat(file);
    } catch {
      return null;
    }
    return createReadStream(file);
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.file(key), { force: true })));
  }
}

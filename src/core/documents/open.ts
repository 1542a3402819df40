import type { Config } from '../../config.ts';
import { S3DocumentStorage } from './s3-storage.ts';
import { LocalDocumentStorage, type DocumentStorage } from './storage.ts';

/** The configured document storage: an S3-compatible bucket when S3_BUCKET_URL is set, else DATA_DIR/documents. */
export function openDocumentStorage(config: Config['documents']): DocumentStorage {
  return config.s3 ? new S3DocumentStorage(config.s3) : new LocalDocumentStorage(config.directory);
}

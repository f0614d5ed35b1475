import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';

/** One stored object as a listing shows it. */
export interface StoredObject {
  key: string;
  size: number;
  /** When it was last written (the file's mtime, the object's LastModified). */
  modified: Date;
}

/**
 * Every file the product keeps (issue 21): uploads, error workbooks, exports, evidence, the frozen
 * 统计表 of city reports. One interface, two homes: a folder (`CQO_FILES_DIR`, the embedded
 * default of `npm start`) or a bucket of an S3-compatible object store (MinIO, AWS S3…), which
 * every api and worker replica reaches without a shared file system.
 *
 * Keys are relative paths (`<id>.export.xlsx`, `evidence/<id>`): letters, digits, `._-` and `/`
 * between segments, never `..`.
 */
export interface FileStorage {
  /** `local` or `s3`, for logs and the backup manifest. */
  readonly kind: 'local' | 's3';
  /** Where the objects live: the folder or `s3://bucket`. */
  readonly location: string;
  /** Creates the folder or the bucket when missing (`cqo migrate`, `cqo restore`). */
  ensureReady(): Promise<void>;
  /**
   * Rejects unless the store takes files now, within `timeoutMs` (`/api/health` → `store`): the
   * bucket answers a HeadBucket; the folder takes a small file (written and removed again).
   */
  probe(timeoutMs: number): Promise<void>;
  /** Stores bytes under `key`, replacing what was there. */
  put(key: string, body: Buffer): Promise<void>;
  /** Stores a local file under `key`, streamed (never read whole into memory). */
  putFile(key: string, path: string): Promise<void>;
  /** Copies an object to another key inside the store. */
  copy(from: string, to: string): Promise<void>;
  /** A stream of the object (opened: a missing key rejects with FileNotFoundError before any byte). */
  get(key: string): Promise<{ stream: Readable; size: number }>;
  /** The whole object in memory: for small files only (evidence, error workbooks). */
  read(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /**
   * Runs `fn` with a path on local disk holding the object, for readers that need random access
   * (the xlsx reader seeks to the zip's central directory): the file itself in a folder, a
   * temporary copy (removed afterwards) in a bucket.
   */
  withLocalCopy<T>(key: string, fn: (path: string) => Promise<T>): Promise<T>;
}

export const FILE_STORAGE = Symbol('FILE_STORAGE');

export class FileNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored file ${key}`);
    this.name = 'FileNotFoundError';
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws unless `key` is a safe relative key (no `..`, no absolute path, no odd characters). */
export function assertKey(key: string): string {
  const parts = key.split('/');
  if (!key || key.length > 512 || !parts.every((p) => SEGMENT.test(p) && p !== '..' && !p.startsWith('..'))) {
    throw new Error(`invalid storage key "${key}"`);
  }
  return key;
}

/**
 * The key of a file recorded in the database. Rows written before issue 21 hold the absolute path
 * of a file directly in `CQO_FILES_DIR`; its name there is its key, so those files stay readable.
 */
export function storageKey(recorded: string): string {
  return isAbsolute(recorded) ? basename(recorded) : recorded;
}

/**
 * Runs `fn` with a path in a new temporary folder (the system's, `/tmp` in the image), named like
 * `name`'s last segment, and removes the folder afterwards whatever happened.
 */
export async function withTempFile<T>(name: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cqo-file-'));
  try {
    return await fn(join(dir, basename(name)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A stream of a file recorded in the database (`storageKey`), for a download: a missing file
 * rejects with `missing()` (the caller's 404) instead of FileNotFoundError, before any byte.
 */
export async function openRecorded(storage: FileStorage, recorded: string, missing: () => Error): Promise<Readable> {
  const { stream } = await storage.get(storageKey(recorded)).catch((err: unknown) => {
    throw err instanceof FileNotFoundError ? missing() : err;
  });
  return stream;
}

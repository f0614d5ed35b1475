import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Settings } from '@cqo/server-common';
import { assertKey, FileNotFoundError, withTempFile, type FileStorage, type StoredObject } from './file-storage';

/**
 * A bucket of an S3-compatible object store through the AWS SDK (issue 21): MinIO beside the
 * deployment, or AWS S3 itself. Uploads stream from disk with their length; downloads stream from
 * the store, so no process holds a large file in memory. Checksums are sent only where the API
 * requires them (`WHEN_REQUIRED`): the SDK's default trailing checksums are not understood by
 * every S3-compatible server.
 */
/**
 * The SDK is loaded when the first bucket store is made: a process whose files are in a folder
 * never loads it (about 75 ms of every command's start-up, issue 16).
 */
let loaded: typeof S3 | undefined;
const sdk = (): typeof S3 => (loaded ??= require('@aws-sdk/client-s3') as typeof S3);

export class S3FileStorage implements FileStorage {
  readonly kind = 's3' as const;
  readonly location: string;
  private readonly client: S3.S3Client;
  private readonly sdk = sdk();
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.location = `s3://${settings.bucket}`;
    this.client = new this.sdk.S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async ensureReady(): Promise<void> {
    try {
      await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (status(err) !== 404) throw err;
      await this.client.send(new this.sdk.CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async probe(timeoutMs: number): Promise<void> {
    // One attempt, no retries: a health check answers within its time or says down.
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
      const code = status(err);
      const name = (err as Error)?.name;
      throw new Error(
        code === 404 ? `存储桶 ${this.bucket} 不存在` : name === 'AbortError' || name === 'TimeoutError' ? `对象存储 ${timeoutMs} ms 内未应答` : `对象存储不可用：${(err as Error)?.message || name || code}`,
      );
    });
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: assertKey(key), Body: body, ContentLength: body.length }));
  }

  async putFile(key: string, path: string): Promise<void> {
    const { size } = await stat(path);
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: assertKey(key), Body: createReadStream(path), ContentLength: size }));
  }

  async copy(from: string, to: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.CopyObjectCommand({ Bucket: this.bucket, Key: assertKey(to), CopySource: `${this.bucket}/${encodeURIComponent(assertKey(from))}` }));
    } catch (err) {
      throw notFound(err, from);
    }
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    try {
      const out = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: assertKey(key) }));
      return { stream: out.Body as Readable, size: Number(out.ContentLength ?? 0) };
    } catch (err) {
      throw notFound(err, key);
    }
  }

  async read(key: string): Promise<Buffer> {
    const { stream } = await this.get(key);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: assertKey(key) }));
      return true;
    } catch (err) {
      if (status(err) === 404) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: assertKey(key) }));
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token }));
      // No date given (no S3 server omits it): taken as written now, so never swept as old.
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: Number(o.Size ?? 0), modified: o.LastModified ?? new Date() };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async withLocalCopy<T>(key: string, fn: (path: string) => Promise<T>): Promise<T> {
    const { stream } = await this.get(key);
    return withTempFile(key, async (path) => {
      await pipeline(stream, createWriteStream(path));
      return fn(path);
    });
  }

  /** Closes the SDK's sockets (the CLI exits sooner). */
  destroy(): void {
    this.client.destroy();
  }
}

function status(err: unknown): number | undefined {
  return loaded && err instanceof loaded.S3ServiceException ? err.$metadata.httpStatusCode : (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function notFound(err: unknown, key: string): unknown {
  return status(err) === 404 || (err as Error)?.name === 'NoSuchKey' ? new FileNotFoundError(key) : err;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { S3FileStorage } from '@cqo/server-storage';

// s3rver ships no types; the part used here.
const S3rver = require('s3rver') as new (opts: { port: number; address: string; silent: boolean; directory: string }) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

// The SDK's notice about Node 22 (docs/deploy.md) is noise in every test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** s3rver's fixed credentials. */
const KEY = 'S3RVER';

/**
 * A real S3 API server over HTTP (the `s3rver` package, in this process, its objects in a temp
 * folder) for the tests of the object store (issue 21). The api, the worker and the CLI reach it
 * through the AWS SDK exactly as they would reach MinIO.
 */
export class TestS3 {
  private constructor(
    private readonly server: { close(): Promise<void> },
    private readonly dir: string,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<TestS3> {
    const dir = mkdtempSync(join(tmpdir(), 'cqo-s3rver-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const { port } = await server.run();
    return new TestS3(server, dir, `http://127.0.0.1:${port}`);
  }

  /** The CQO_S3_* variables of a process that keeps its files in `bucket`. */
  env(bucket: string): Record<string, string> {
    return {
      CQO_S3_ENDPOINT: this.endpoint,
      CQO_S3_BUCKET: bucket,
      CQO_S3_REGION: 'us-east-1',
      CQO_S3_ACCESS_KEY_ID: KEY,
      CQO_S3_SECRET_ACCESS_KEY: KEY,
      CQO_S3_FORCE_PATH_STYLE: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** The bucket through the product's own S3 store (created if missing). */
  async bucket(name: string): Promise<S3FileStorage> {
    const b = new S3FileStorage({ endpoint: this.endpoint, bucket: name, region: 'us-east-1', accessKeyId: KEY, secretAccessKey: KEY, forcePathStyle: true });
    await b.ensureReady();
    return b;
  }

  private stopped = false;

  /** Stops the server and removes its objects (again: nothing). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every object of a store with its SHA-256, by key. */
export async function objectHashes(store: S3FileStorage): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of store.list()) out[o.key] = createHash('sha256').update(await store.read(o.key)).digest('hex');
  return out;
}

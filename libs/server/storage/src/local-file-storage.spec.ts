import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3Settings } from '@cqo/server-common';
import { assertKey, FileNotFoundError, storageKey } from './file-storage';
import { LocalFileStorage } from './local-file-storage';

describe('LocalFileStorage (issue 21: the folder store, the default without CQO_S3_BUCKET)', () => {
  let dir: string;
  let store: LocalFileStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cqo-store-'));
    store = new LocalFileStorage(join(dir, 'files'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps, streams, copies, lists and deletes objects by key', async () => {
    await store.put('evidence/a1', Buffer.from('evidence'));
    await store.put('b.export.xlsx', Buffer.from('export'));
    await store.copy('b.export.xlsx', 'c.upload.xlsx');
    const { stream, size } = await store.get('evidence/a1');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect([Buffer.concat(chunks).toString(), size]).toEqual(['evidence', 8]);
    const all = [];
    for await (const o of store.list()) all.push({ key: o.key, size: o.size });
    expect(all).toEqual([
      { key: 'b.export.xlsx', size: 6 },
      { key: 'c.upload.xlsx', size: 6 },
      { key: 'evidence/a1', size: 8 },
    ]);
    await store.delete('b.export.xlsx');
    await store.delete('b.export.xlsx');
    expect(await store.exists('b.export.xlsx')).toBe(false);
    // No temporary file is left beside the objects.
    expect(readdirSync(join(dir, 'files')).sort()).toEqual(['c.upload.xlsx', 'evidence']);
  });

  it('probe (/api/health → store): a writable folder passes and keeps nothing; a folder that cannot be made or written is refused', async () => {
    await store.put('a.export.xlsx', Buffer.from('x'));
    await expect(store.probe(2000)).resolves.toBeUndefined();
    expect(readdirSync(join(dir, 'files'))).toEqual(['a.export.xlsx']);
    // A file where the folder should be (as root, permission bits would not stop a write).
    writeFileSync(join(dir, 'blocked'), 'not a folder');
    await expect(new LocalFileStorage(join(dir, 'blocked')).probe(2000)).rejects.toThrow(/文件目录 .*blocked 不可写（E[A-Z]+）/);
  });

  it('a missing object is FileNotFoundError (the api answers 404), never a raw ENOENT', async () => {
    await expect(store.get('nope.xlsx')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(store.read('nope.xlsx')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(store.withLocalCopy('nope.xlsx', async (p) => p)).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it('refuses keys that would leave the folder', () => {
    for (const bad of ['../etc/passwd', '/abs', 'a/../../b', '', 'a//b', '.hidden']) expect(() => assertKey(bad)).toThrow(/invalid storage key/);
    expect(assertKey('import-errors/3f2a.xlsx')).toBe('import-errors/3f2a.xlsx');
  });

  it('a path recorded before issue 21 (absolute, in CQO_FILES_DIR) reads as its file name', () => {
    expect(storageKey('/var/lib/cqo/files/5d2b.export.xlsx')).toBe('5d2b.export.xlsx');
    expect(storageKey('evidence/5d2b')).toBe('evidence/5d2b');
  });
});

describe('CQO_S3_* (issue 21)', () => {
  it('no bucket: the folder; a bucket with an endpoint: path-style (MinIO) unless told otherwise', () => {
    expect(s3Settings({})).toBeNull();
    expect(s3Settings({ CQO_S3_BUCKET: 'cqo', CQO_S3_ENDPOINT: 'http://minio:9000', CQO_S3_ACCESS_KEY_ID: 'k', CQO_S3_SECRET_ACCESS_KEY: 's' })).toEqual({
      bucket: 'cqo',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      accessKeyId: 'k',
      secretAccessKey: 's',
      forcePathStyle: true,
    });
    expect(s3Settings({ CQO_S3_BUCKET: 'cqo', CQO_S3_REGION: 'cn-north-1' })).toMatchObject({ endpoint: null, region: 'cn-north-1', forcePathStyle: false, accessKeyId: null });
    expect(s3Settings({ CQO_S3_BUCKET: 'cqo', CQO_S3_ENDPOINT: 'http://x', CQO_S3_FORCE_PATH_STYLE: 'false' })?.forcePathStyle).toBe(false);
  });

  it('refuses half a key pair and a path style that is not a boolean', () => {
    expect(() => s3Settings({ CQO_S3_BUCKET: 'cqo', CQO_S3_ACCESS_KEY_ID: 'k' })).toThrow(/go together/);
    expect(() => s3Settings({ CQO_S3_BUCKET: 'cqo', CQO_S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/true or false/);
  });
});

import { createReadStream, type ReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertKey, FileNotFoundError, type FileStorage, type StoredObject } from './file-storage';

/**
 * The folder store (`CQO_FILES_DIR`, default `.data/files`): one machine, or a folder every
 * replica mounts. A write goes to a temporary name first and is renamed into place, so a reader
 * never sees half a file.
 */
export class LocalFileStorage implements FileStorage {
  readonly kind = 'local' as const;

  constructor(readonly location: string) {}

  private path(key: string): string {
    return join(this.location, assertKey(key));
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.location, { recursive: true });
  }

  async probe(timeoutMs: number): Promise<void> {
    // A `.part` name: a listing (the backup) never takes it for a stored file.
    const probe = join(this.location, `.health-${randomUUID()}.part`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`文件目录 ${timeoutMs} ms 内未应答`)), timeoutMs);
    });
    try {
      await Promise.race([(async () => {
        await mkdir(this.location, { recursive: true });
        await writeFile(probe, 'ok');
      })(), timeout]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw code ? new Error(`文件目录 ${this.location} 不可写（${code}）`) : err;
    } finally {
      clearTimeout(timer);
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }

  private async place(key: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.part`;
    try {
      await write(tmp);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  put(key: string, body: Buffer): Promise<void> {
    return this.place(key, (tmp) => writeFile(tmp, body));
  }

  putFile(key: string, path: string): Promise<void> {
    return this.place(key, (tmp) => copyFile(path, tmp));
  }

  async copy(from: string, to: string): Promise<void> {
    if (!(await this.exists(from))) throw new FileNotFoundError(from);
    await this.putFile(to, this.path(from));
  }

  async get(key: string): Promise<{ stream: ReadStream; size: number }> {
    const path = this.path(key);
    const stream = createReadStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new FileNotFoundError(key) : err));
    });
    return { stream, size: (await stat(path)).size };
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new FileNotFoundError(key) : err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    const found: StoredObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile() && !e.name.endsWith('.part')) {
          const key = relative(this.location, full).split(sep).join('/');
          if (key.startsWith(prefix)) {
            const st = await stat(full);
            found.push({ key, size: st.size, modified: st.mtime });
          }
        }
      }
    };
    await walk(this.location);
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* found;
  }

  async withLocalCopy<T>(key: string, fn: (path: string) => Promise<T>): Promise<T> {
    if (!(await this.exists(key))) throw new FileNotFoundError(key);
    return fn(this.path(key));
  }
}

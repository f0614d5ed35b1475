import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** A file being written whose SHA-256 and size are taken from the bytes as they pass. */
export interface HashedFile {
  /** Write the file's bytes here (e.g. exceljs' WorkbookWriter `stream`). */
  readonly stream: Writable;
  /** Waits until every byte is on disk; the file's SHA-256 (hex) and size. */
  finish(): Promise<{ sha256: string; bytes: number }>;
  /** Stops writing and removes the file: no partial file is left (a cancel, a database error, a full disk). */
  abort(): Promise<void>;
}

/** Opens `path` for an export that reports its file's hash (the attachment table, the list exports). */
export function openHashedFile(path: string): HashedFile {
  const hash = createHash('sha256');
  let bytes = 0;
  const file = createWriteStream(path);
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  tee.pipe(file);
  return {
    stream: tee,
    async finish() {
      await finished(file);
      return { sha256: hash.digest('hex'), bytes };
    },
    async abort() {
      for (const s of [tee, file]) {
        s.on('error', () => undefined);
        s.destroy();
      }
      await rm(path, { force: true });
    },
  };
}

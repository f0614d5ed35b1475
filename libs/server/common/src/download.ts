import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { Readable } from 'node:stream';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file the api hands to the browser to save. */
export interface Download {
  fileName: string;
  content: Uint8Array | Readable;
  /** An .xlsx workbook unless given. */
  contentType?: string;
  /** Bytes, when known before streaming. */
  size?: number;
  /** Sent as the ETag: the same stored file downloads with the same tag. */
  sha256?: string;
}

/**
 * The one home of a download's headers: the file name as RFC 5987 `filename*` (Chinese names
 * arrive intact; the web client reads it back), its type, and length and ETag when known.
 */
export function download(res: Response, file: Download): StreamableFile {
  res.setHeader('Content-Type', file.contentType ?? XLSX_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  if (file.size !== undefined) res.setHeader('Content-Length', String(file.size));
  if (file.sha256 !== undefined) res.setHeader('ETag', `"${file.sha256}"`);
  // StreamableFile has one overload for bytes and one for a stream; the narrowing picks between them.
  return file.content instanceof Uint8Array ? new StreamableFile(file.content) : new StreamableFile(file.content);
}

import { AppException } from '@cqo/server-common';

/** Evidence uploads: small files kept in the file store (issue 21), recognised by their first bytes, not their name. */
export const EVIDENCE_LIMITS = { maxFileBytes: 5 * 1024 * 1024, maxFiles: 20 } as const;

export interface UploadedEvidence {
  buffer: Buffer;
  originalname: string;
  size?: number;
}

const KINDS: { type: string; ext: string[]; magic: number[] }[] = [
  { type: 'application/pdf', ext: ['pdf'], magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', ext: ['png'], magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', ext: ['jpg', 'jpeg'], magic: [0xff, 0xd8, 0xff] },
  // xlsx is a zip; the name must say xlsx too (a docx is also a zip).
  { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: ['xlsx'], magic: [0x50, 0x4b, 0x03, 0x04] },
];

/** The content type of an accepted evidence file, or a field error naming why not. */
export function checkEvidence(file: UploadedEvidence | undefined): { contentType: string; fileName: string } {
  if (!file || !file.buffer?.length) throw AppException.validation([{ field: 'file', code: 'required', message: '请选择要上传的证实性材料' }]);
  if (file.buffer.length > EVIDENCE_LIMITS.maxFileBytes) {
    throw AppException.validation([{ field: 'file', code: 'too_large', message: `单个文件不能超过 ${EVIDENCE_LIMITS.maxFileBytes / 1024 / 1024} MB` }]);
  }
  const fileName = (file.originalname || 'file').replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200);
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  const kind = KINDS.find((k) => k.magic.every((b, i) => file.buffer[i] === b));
  if (!kind || !kind.ext.includes(ext)) {
    throw AppException.validation([{ field: 'file', code: 'type', message: '证实性材料只接受 PDF、Excel（xlsx）、JPG、PNG 文件' }]);
  }
  return { contentType: kind.type, fileName };
}

import { maskName } from '@cqo/policy';
import type { NewNotification } from './notifications.service';

/** One status change of an evaluation certificate that its enterprise is told of (an `evaluation_certificate_event` row). */
export interface CertificateChange {
  /** The event's id: the dedupe key, so the change is told once however many paths tell it. */
  eventId: string;
  status: 'suspended' | 'revoked' | 'expired';
  number: string;
  holderName: string;
  reason: string;
  validUntil: string;
}

/**
 * The bell notification (and its e-mail / SMS parameters) of a certificate's suspension, revocation
 * or expiry (001 §11; issue 22). One text for every path that tells it — at once, in the transaction
 * that changes the status (EvaluationCertificatesService), or the daily run's catch-up
 * (LifecycleRemindersService) — and one dedupe key per event, so whichever comes second sends nothing.
 */
export function certificateNotification(c: CertificateChange): NewNotification {
  const person = maskName(c.holderName);
  switch (c.status) {
    case 'suspended':
      return {
        kind: 'certificate-suspended',
        title: `首席质量官证书 ${c.number} 已暂停`,
        body: `证书 ${c.number} 已暂停使用：${c.reason}`,
        link: '/my/evaluation',
        dedupeKey: `certificate-suspended:${c.eventId}`,
        params: { certificateNo: c.number, person, reason: c.reason },
      };
    case 'revoked':
      return {
        kind: 'certificate-revoked',
        title: `首席质量官证书 ${c.number} 已作废`,
        body: `证书 ${c.number} 已声明作废：${c.reason}`,
        link: '/my/evaluation',
        dedupeKey: `certificate-revoked:${c.eventId}`,
        params: { certificateNo: c.number, person, reason: c.reason },
      };
    case 'expired':
      return {
        kind: 'certificate-expired',
        title: `首席质量官证书 ${c.number} 已过期`,
        body: `证书 ${c.number} 已于 ${c.validUntil} 超过有效期，可重新申请评价。`,
        link: '/my/evaluation',
        dedupeKey: `certificate-expired:${c.eventId}`,
        params: { certificateNo: c.number, person, validUntil: c.validUntil },
      };
  }
}

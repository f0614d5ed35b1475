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
  const text: Record<CertificateChange['status'], { what: string; body: string; params: Record<string, string> }> = {
    suspended: { what: '已暂停', body: `已暂停使用：${c.reason}`, params: { reason: c.reason } },
    revoked: { what: '已作废', body: `已声明作废：${c.reason}`, params: { reason: c.reason } },
    expired: { what: '已过期', body: `已于 ${c.validUntil} 超过有效期，可重新申请评价。`, params: { validUntil: c.validUntil } },
  };
  const t = text[c.status];
  return {
    kind: `certificate-${c.status}`,
    title: `首席质量官证书 ${c.number} ${t.what}`,
    body: `证书 ${c.number} ${t.body}`,
    link: '/my/evaluation',
    dedupeKey: `certificate-${c.status}:${c.eventId}`,
    params: { certificateNo: c.number, person, ...t.params },
  };
}

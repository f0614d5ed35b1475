// Certificate rules of capability evaluation that need no I/O (SPEC §5, §6; 000 7.5.2; 001 §11).
import type { AccidentLevel, CertificateStatus, ViolationCertificateEffect, ViolationType } from '@cqo/contracts';
import { addYears, termEndFor } from '../eligibility/dates';
import type { GradeBand, ScoringScheme } from './schemes';

/**
 * What a violation whose subject is the CQO does to the holder's certificates (001 §11: 违法违规违纪、
 * 失信、重大质量事故 → 暂停或中止; 必要时…声明证书作废; 知情不报…虚假报告 → 退出机制). The seed leaves the
 * choice between 暂停, 中止 and 作废 to the body; this is the platform's default, documented in
 * docs/evaluation.md.
 */
export function violationCertificateEffect(type: ViolationType, accidentLevel: AccidentLevel | null): ViolationCertificateEffect {
  switch (type) {
    case '违法违规':
    case '失信':
    case '泄露商业秘密':
    case '损害合法权益':
      return 'suspended';
    case '较大以上质量安全事故':
      return accidentLevel === '重大' || accidentLevel === '特别重大' ? 'terminated' : 'suspended';
    case '重大失误受处分':
      return 'terminated';
    case '刑事处分':
    case '谋取不正当利益':
    case '知情不报或虚假报告':
      return 'revoked';
  }
}

/** Severity order: a change only ever escalates automatically. expired is outside the order. */
const SEVERITY: Record<CertificateStatus, number> = { valid: 0, suspended: 1, terminated: 2, revoked: 3, expired: -1 };

/** The status after applying `effect` to a certificate in `current`, or null when nothing changes. */
export function escalate(current: CertificateStatus, effect: ViolationCertificateEffect): CertificateStatus | null {
  if (current === 'expired' || current === 'revoked') return null;
  return SEVERITY[effect] > SEVERITY[current] ? effect : null;
}

/** Manual moves an evaluator may make. revoked and expired are final. */
export const MANUAL_CERTIFICATE_MOVES: Record<CertificateStatus, CertificateStatus[]> = {
  valid: ['suspended', 'terminated', 'revoked'],
  suspended: ['valid', 'terminated', 'revoked'],
  terminated: ['revoked'],
  revoked: [],
  expired: [],
};

/** `CQO-420000-2026-000123`: body region, issue year, 6-digit sequence per body and year. */
export function certificateNumber(bodyCode: string, year: number, seq: number): string {
  return `CQO-${bodyCode}-${year}-${String(seq).padStart(6, '0')}`;
}
export const CERTIFICATE_NUMBER_PATTERN = /^CQO-\d{6}-\d{4}-\d{6}$/;

/** Last day of validity: 3 years from 2026-03-01 → 2029-02-28. */
export function certificateValidUntil(issuedOn: string, years: number): string {
  return termEndFor(issuedOn, years);
}

/** 001 §11: 到期失效或被暂停、中止、作废满一年 — the first day a new application is possible. */
export function reapplicationDate(statusChangedOn: string): string {
  return addYears(statusChangedOn, 1);
}

/** 张三丰 → 张*丰, 李四 → 李*, 欧阳 → 欧* : the public page shows the name this far. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** The scheme with grade bands from settings (zhejiang's 附录D is absent, SPEC §6). */
export function withBands(scheme: ScoringScheme, bands: GradeBand[] | null | undefined): ScoringScheme {
  return bands && bands.length ? { ...scheme, bands: bands.map((b) => ({ ...b })) } : scheme;
}

/** Band errors for a settings change: ascending, contiguous, each grade once, ≥ passTotal. */
export function validateBands(bands: GradeBand[], passTotal: number): string[] {
  const errors: string[] = [];
  const grades = ['AAA', 'AAAA', 'AAAAA'];
  if (bands.length !== 3 || bands.some((b, i) => b.grade !== grades[i])) errors.push('等级分值范围应依次为 AAA、AAAA、AAAAA');
  bands.forEach((b, i) => {
    if (!Number.isFinite(b.minTotal) || b.minTotal < 0 || b.minTotal > 1000) errors.push(`${b.grade} 最低分应在 0–1000 之间`);
    const last = i === bands.length - 1;
    if (last ? b.maxTotal !== null : b.maxTotal !== bands[i + 1]?.minTotal) errors.push(`${b.grade} 的上限应等于下一等级的最低分，最高等级无上限`);
  });
  if (bands[0] && bands[0].minTotal < passTotal) errors.push(`AAA 最低分不能低于 ${passTotal} 分`);
  return errors;
}

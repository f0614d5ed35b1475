// Certificate rules of capability evaluation that need no I/O (SPEC §5, §6; 000 7.5.2; 001 §11).
import type { AccidentLevel, CertificateStatus, ViolationCertificateEffect, ViolationType } from '@cqo/contracts';
import { addYears, termEndFor } from '../eligibility/dates';
import type { GradeBand, SchemeName, ScoringScheme } from './schemes';

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

/**
 * What a violation does without anyone's decision. 001 §11: the body 应暂停或中止 the certificate's
 * use (a duty: automatic), and 必要时有权收回证书或声明证书作废 (a power: an officer decides). So a
 * violation calling for revocation suspends at once and leaves the revocation pending until an
 * officer of the body confirms it.
 */
export function automaticViolationStep(effect: ViolationCertificateEffect): { status: 'suspended' | 'terminated'; pendingRevocation: boolean } {
  switch (effect) {
    case 'suspended':
      return { status: 'suspended', pendingRevocation: false };
    case 'terminated':
      return { status: 'terminated', pendingRevocation: false };
    case 'revoked':
      return { status: 'suspended', pendingRevocation: true };
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

/** One year after `statusChangedOn`: the first day a new application is possible after a revocation. */
export function reapplicationDate(statusChangedOn: string): string {
  return addYears(statusChangedOn, 1);
}

/**
 * The first day an application under `appliedScheme` is possible given an earlier certificate, or
 * null when that certificate puts no wait on it. 001 9.4.1.3 lets a holder apply for 再认定 before
 * expiry and §11 after it (到期失效…若需重新获证，应申请再认定): expiry, suspension and termination
 * put no wait on a new application. The year's wait is the 退出 sanction of a revocation (§11
 * 声明证书作废, which the body decides), and it is 001's: 000 (zhejiang) has no wait at all (7.7.1
 * 到期前可申请再评价), and a hunan revocation does not bar a zhejiang evaluation.
 */
export function reapplicationLockedUntil(
  appliedScheme: SchemeName,
  certificate: { scheme: SchemeName; status: CertificateStatus; statusChangedOn: string },
  today: string,
): string | null {
  if (appliedScheme !== 'hunan' || certificate.scheme !== 'hunan' || certificate.status !== 'revoked') return null;
  const from = reapplicationDate(certificate.statusChangedOn);
  return from > today ? from : null;
}

/** A scheme's yearly continuing education for certificate holders. */
export interface ContinuingEducationRule {
  clause: string;
  text: string;
  /** 第一类 + 第二类 学时 a year. */
  minHours: number;
  /** 组织培训活动 a year. */
  minActivities: number;
}

/**
 * The rule of the scheme that issued the certificate — never the appointment profile in force
 * (hubei's 14 + 30 学时, chongqing's none). hunan 001 9.4.1.2: ≥ 10 学时 质量专业学习 and ≥ 1
 * 组织质量专业培训活动 a year. zhejiang 000 7.6: 每年应参与继续教育, with no hours: participation,
 * i.e. some continuing education (more than 0 学时; the smallest record is 0.5) in the year.
 */
export const CERTIFICATE_CONTINUING_EDUCATION: Record<SchemeName, ContinuingEducationRule> = {
  hunan: { clause: '001 9.4.1.2', text: '每年应参加质量专业学习学时不少于 10 学时，应组织质量专业培训活动不少于 1 次', minHours: 10, minActivities: 1 },
  zhejiang: { clause: '000 7.6', text: '在评价证书有效期内，获证人员每年应参与继续教育', minHours: 0.5, minActivities: 0 },
};

export interface CertificateYearCompliance {
  year: number;
  clause: string;
  /** False for the year of issue (a part year) and a year the certificate does not reach the end of. */
  applicable: boolean;
  compliant: boolean | null;
  totalHours: number;
  activities: number;
  shortHours: number;
  shortActivities: number;
  /** Chinese: why not applicable, or what is short; null when compliant. */
  note: string | null;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** A holder's continuing education of `year` judged by the issuing scheme's rule. */
export function certificateYearCompliance(
  scheme: SchemeName,
  certificate: { issuedOn: string; validUntil: string },
  year: number,
  hours: { firstCategory: number; secondCategory: number; activities: number },
): CertificateYearCompliance {
  const rule = CERTIFICATE_CONTINUING_EDUCATION[scheme];
  const totalHours = round1(hours.firstCategory + hours.secondCategory);
  const base = { year, clause: rule.clause, totalHours, activities: hours.activities };
  const notApplicable =
    certificate.issuedOn > `${year}-12-31`
      ? `${certificate.issuedOn} 发证，${year} 年末尚未持证`
      : certificate.issuedOn >= `${year}-01-01`
        ? `${certificate.issuedOn} 发证，发证当年不考核继续教育`
        : certificate.validUntil < `${year}-12-31`
          ? `证书有效期至 ${certificate.validUntil}，${year} 年末不在有效期内`
          : null;
  if (notApplicable) return { ...base, applicable: false, compliant: null, shortHours: 0, shortActivities: 0, note: notApplicable };
  const shortHours = Math.max(0, round1(rule.minHours - totalHours));
  const shortActivities = Math.max(0, rule.minActivities - hours.activities);
  const compliant = shortHours === 0 && shortActivities === 0;
  const parts = [
    shortHours > 0 ? (scheme === 'zhejiang' ? '全年未参与继续教育' : `质量专业学习 ${totalHours} 学时，还差 ${shortHours} 学时`) : null,
    shortActivities > 0 ? `组织质量专业培训活动 ${hours.activities} 次，还差 ${shortActivities} 次` : null,
  ].filter(Boolean);
  return { ...base, applicable: true, compliant, shortHours, shortActivities, note: compliant ? null : `${parts.join('，')}（${rule.clause}）` };
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

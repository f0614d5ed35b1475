// 申报 conditions checked when an application is filed (001 9.1: 满足第5章申报要求的认定对象…提出
// 申请; 000 7.2: 满足基本要求（4.1）的评价对象…提出申请). Pure: the caller reads the facts.
import { EDUCATION_LEVELS, QUALIFICATION_LEVELS, type EducationLevel, type QualificationLevel, type QualificationType, type ViolationType } from '@cqo/contracts';
import { HUNAN_APPLICATION_GATES } from './grade';
import type { Grade, SchemeName } from './schemes';

export interface ApplicantFacts {
  /** From the filed appointment; null when nothing is filed. */
  education: EducationLevel | null;
  qualificationType: QualificationType | null;
  qualificationLevel: QualificationLevel | null;
  /** Years of related experience from the filed appointment history; null when not known. */
  filedExperienceYears: number | null;
  /** Years the application states. */
  declaredExperienceYears: number;
  /** The application says the applicant holds the 首席质量官 training certificate. */
  declaredCertificate: boolean;
  /** A training certificate number is on file (the appointment's 任职培训证书编号 or a 任职培训 record's). */
  certificateOnFile: boolean;
  /** 任职培训 hours on file (appointment or ledger), 0 when none. */
  initialTrainingHours: number;
  /** The person's violations in force (voided ones are not facts). */
  violations: { type: ViolationType; occurredOn: string }[];
}

export interface PreconditionFailure {
  /** The request field the failure belongs to. */
  field: 'hasCertificate' | 'experienceYears' | 'personId';
  clause: string;
  /** Chinese, with the clause. */
  message: string;
}

/** 001 5.1.5 as the seed writes it: a) 重大失误 / 谋取不正当利益 / 刑事处分 in quality work, b) 泄露商业秘密, c) 损害合法权益. */
const HUNAN_DISQUALIFYING: readonly { types: ViolationType[]; clause: string }[] = [
  { types: ['重大失误受处分', '谋取不正当利益', '刑事处分'], clause: '001 5.1.5 a)' },
  { types: ['泄露商业秘密'], clause: '001 5.1.5 b)' },
  { types: ['损害合法权益'], clause: '001 5.1.5 c)' },
];

/**
 * 000 4.1 leaves the thresholds to 行业、组织; these are the zhejiang defaults (the same as the
 * built-in zhejiang profile's): a) 学历 ≥ 大专 **or** 职称 ≥ 中级 (the clause says 学历或技术职称), b)
 * ≥ 3 years of experience, c) 任职培训 on file.
 */
export const ZHEJIANG_BASIC_REQUIREMENTS = { minEducation: '大专' as EducationLevel, minTitle: '中级' as QualificationLevel, minYears: 3 };

const eduRank = (e: EducationLevel): number => EDUCATION_LEVELS.indexOf(e);
const titleRank = (l: QualificationLevel): number => QUALIFICATION_LEVELS.indexOf(l);

/** The years the gates judge: the filed history where known, else the application's statement. */
export function experienceForGates(f: Pick<ApplicantFacts, 'filedExperienceYears' | 'declaredExperienceYears'>): number {
  return f.filedExperienceYears ?? f.declaredExperienceYears;
}

/** Every 申报 condition the applicant fails for `applied` under `scheme`; [] when the application may be filed. */
export function applicationPreconditions(scheme: SchemeName, applied: Grade, f: ApplicantFacts): PreconditionFailure[] {
  return scheme === 'hunan' ? hunan(applied, f) : zhejiang(f);
}

function hunan(applied: Grade, f: ApplicantFacts): PreconditionFailure[] {
  const out: PreconditionFailure[] = [];
  const gate = HUNAN_APPLICATION_GATES.find((g) => g.grade === applied)!;
  // 5.2.1 names the certificate; 5.2.2 and 5.2.3 reach it through 5.1.4.
  if (!f.declaredCertificate) {
    out.push({ field: 'hasCertificate', clause: '001 5.1.4', message: `申报 ${applied} 须持有首席质量官培训合格证书（${gate.clause}、001 5.1.4）` });
  } else if (!f.certificateOnFile) {
    out.push({
      field: 'hasCertificate',
      clause: '001 5.1.4',
      message: `未查到已备案的首席质量官培训合格证书编号，申报 ${applied} 须持有该证书（${gate.clause}、001 5.1.4），请先在聘任备案或培训记录中登记证书编号`,
    });
  }
  const years = experienceForGates(f);
  if (years < gate.minYears) {
    const source = f.filedExperienceYears !== null ? '按备案的聘任记录' : '按申请所填';
    out.push({
      field: 'experienceYears',
      clause: gate.clause,
      message: `申报 ${applied} 须具有 ${gate.minYears} 年${applied === 'AAA' ? '' : '以上'}相关工作经验（${gate.clause}），${source}为 ${years} 年`,
    });
  }
  // 9.1 asks 满足第5章: 5.1 for every grade. 5.1.1's 学历 is checkable; its 职称 has the 同等资格
  // alternative (experience, declared), so it is left to the formal review (9.2).
  if (f.education !== null && eduRank(f.education) < eduRank('大专')) {
    out.push({ field: 'personId', clause: '001 5.1.1', message: `学历为${f.education}，不满足大专（含）以上学历的要求（001 5.1.1）` });
  }
  for (const d of HUNAN_DISQUALIFYING) {
    const hit = f.violations.find((v) => d.types.includes(v.type));
    if (hit) out.push({ field: 'personId', clause: d.clause, message: `有${hit.type}记录（${hit.occurredOn}），属不得担任首席质量官的情形（${d.clause}），不能申请认定` });
  }
  return out;
}

function zhejiang(f: ApplicantFacts): PreconditionFailure[] {
  const out: PreconditionFailure[] = [];
  const r = ZHEJIANG_BASIC_REQUIREMENTS;
  const titled = f.qualificationType !== null && f.qualificationType !== '无' && f.qualificationLevel !== null && titleRank(f.qualificationLevel) >= titleRank(r.minTitle);
  const educated = f.education !== null && eduRank(f.education) >= eduRank(r.minEducation);
  if (f.education !== null && !educated && !titled) {
    out.push({ field: 'personId', clause: '000 4.1 a)', message: `学历为${f.education}且无${r.minTitle}及以上技术职称，不满足学历或技术职称要求（000 4.1 a)）` });
  }
  const years = experienceForGates(f);
  if (years < r.minYears) {
    out.push({ field: 'experienceYears', clause: '000 4.1 b)', message: `工作经历（含质量管理工作）应不少于 ${r.minYears} 年（000 4.1 b)），${f.filedExperienceYears !== null ? '按备案的聘任记录' : '按申请所填'}为 ${years} 年` });
  }
  if (!f.certificateOnFile && f.initialTrainingHours <= 0) {
    out.push({ field: 'hasCertificate', clause: '000 4.1 c)', message: '未查到任职培训记录或培训证书编号，不满足任职培训要求（000 4.1 c)）' });
  }
  return out;
}

import { randomBytes } from 'node:crypto';
import { addDays, emptyReportData } from '@cqo/policy';
import type TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import type { AnnualReportData, Role } from '@cqo/contracts';
import { CREDIT_CODE_ALPHABET, computeCreditCodeCheckChar, computeOrgCodeCheckChar } from '@cqo/policy';
import { hashPassword } from '@cqo/server-auth';

export const PASSWORD = 'Test@pass-2026';
let hashed: Promise<string> | null = null;

/** A tag unique to this test file's run, so files sharing the run's database never collide. */
export function uniq(): string {
  return randomBytes(4).toString('hex');
}

/** Every code creditCode has given in this process: a 1,000-row roster drew one twice (rows 465 and 881). */
const issuedCreditCodes = new Set<string>();

/** A valid 统一社会信用代码 in `region`, never the same twice in one test process. */
export function creditCode(region: string): string {
  const digits = () => Array.from(randomBytes(8), (b) => String(b % 10)).join('');
  const body = digits();
  const org = body + computeOrgCodeCheckChar(body);
  const first17 = `91${region}${org}`;
  if ([...first17].some((c) => !CREDIT_CODE_ALPHABET.includes(c))) return creditCode(region);
  const code = first17 + computeCreditCodeCheckChar(first17);
  if (issuedCreditCodes.has(code)) return creditCode(region);
  issuedCreditCodes.add(code);
  return code;
}

export async function makeEnterprise(db: DataSource, regionCode: string, fields: Partial<{ name: string; aboveSize: boolean }> = {}): Promise<{ id: string; creditCode: string; name: string }> {
  const [region] = await db.query('SELECT path FROM region WHERE code = $1', [regionCode]);
  const name = fields.name ?? `测试企业${uniq()}有限公司`;
  const code = creditCode(regionCode);
  const [row] = await db.query(
    `INSERT INTO enterprise (credit_code, name, region_code, region_path, above_size, size_class, ownership, industry)
     VALUES ($1,$2,$3,$4,$5,'中型','民营','C') RETURNING id`,
    [code, name, regionCode, region.path, fields.aboveSize ?? true],
  );
  return { id: row.id, creditCode: code, name };
}

export async function makeUser(db: DataSource, role: Role, binding: { regionCode?: string; enterpriseId?: string } = {}): Promise<{ id: string; username: string }> {
  hashed ??= hashPassword(PASSWORD);
  const username = `${role}-${uniq()}`;
  const [row] = await db.query(
    `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id) VALUES ($1,$1,$2,$3,$4,$5) RETURNING id`,
    [username, await hashed, role, binding.regionCode ?? null, binding.enterpriseId ?? null],
  );
  return { id: row.id, username };
}

/** A mobile number no other test file uses. */
export function phone(): string {
  return `139${String(parseInt(uniq(), 16) % 100_000_000).padStart(8, '0')}`;
}

/** Signs in and returns the bearer header value. */
export async function bearer(http: () => TestAgent, username: string, password = PASSWORD): Promise<string> {
  const res = await http().post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return `Bearer ${res.body.accessToken}`;
}

/**
 * A CQO filing that meets every hubei-2021 rule (the default profile of 420000), appointed
 * `appointedOn`, with initial training finished ten days before. Override any field.
 */
export function hubeiEligibleFiling(appointedOn: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '王质量',
    gender: '女',
    birthMonth: '1980-05',
    phone: phone(),
    positionTitle: '副总经理',
    positionLevel: '高层副职',
    concurrentPost: true,
    education: '大学本科',
    qualificationType: '质量专业技术人员职业资格',
    qualificationLevel: '中级',
    qualityRelated: true,
    yearsInQuality: 8,
    declarations: ['love-quality', 'ethics', 'competence', 'no-disqualification'],
    appointedOn,
    termEnd: null,
    authorisationCertNo: 'SQ-2026-001',
    initialTrainingHours: 24,
    initialTrainingCertNo: 'PX-2026-001',
    initialTrainingCompletedOn: addDays(appointedOn, -10),
    ...over,
  };
}

/** An annual report that passes every hard rule and no soft rule (SPEC §2), with fields to override. */
export function completeReport(over: Partial<AnnualReportData> = {}): AnnualReportData {
  return {
    ...emptyReportData(),
    hasAppraisalSystem: true,
    appraisalResult: '称职',
    appraisalDecision: '留任',
    qualityFund: 35.5,
    honours: '市长质量奖提名',
    dutiesNarrative: '主持质量例会 12 次，推动 QC 小组 3 个',
    problemsAndPlans: '供应商质量管理薄弱；明年建立供方审核制度',
    ...over,
  };
}

/**
 * A hunan evaluation certificate of the CQO in post at `enterpriseId`, written directly (the
 * application workflow is covered in evaluation.e2e-spec): its certified application and the
 * certificate row, status `status` since `issuedOn`. Returns the certificate id.
 */
export async function makeCertificate(
  db: DataSource,
  enterpriseId: string,
  c: { number?: string; year?: number; holderName?: string; organisationName?: string; issuedOn: string; validUntil: string; status?: 'valid' | 'suspended' },
): Promise<string> {
  const [a] = await db.query(`SELECT person_id, region_path FROM appointment WHERE enterprise_id = $1 AND status = 'active'`, [enterpriseId]);
  const [app] = await db.query(
    `INSERT INTO evaluation_application (body_code, enterprise_id, region_path, person_id, scheme, applied_grade, experience_years, has_certificate,
       self_assessment, recommendation, status, submitted_at, updated_at)
     VALUES ('420000', $1, $2, $3, 'hunan', 'AAA', 3, true, '{}', '推荐', 'certified', now(), now()) RETURNING id`,
    [enterpriseId, a.region_path, a.person_id],
  );
  const year = c.year ?? Number(c.issuedOn.slice(0, 4));
  const seq = c.number ? Number(c.number.slice(-6)) : 100_000 + Math.floor(Math.random() * 900_000);
  const [row] = await db.query(
    `INSERT INTO evaluation_certificate (number, body_code, year, seq, application_id, person_id, enterprise_id, region_path, holder_name, organisation_name,
       scheme, score, grade, dimensions, issuing_body, issued_on, valid_until, status, status_changed_on, created_at)
     VALUES ($1, '420000', $2, $3, $4, $5, $6, $7, $8, $9, 'hunan', 400, 'AAA', '{}', '认定中心', $10, $11, $12, $10, now()) RETURNING id`,
    [c.number ?? `CQO-420000-${year}-${seq}`, year, seq, app.id, a.person_id, enterpriseId, a.region_path, c.holderName ?? '钱质量', c.organisationName ?? '测试企业', c.issuedOn, c.validUntil, c.status ?? 'valid'],
  );
  return row.id as string;
}

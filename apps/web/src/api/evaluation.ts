// Capability evaluation (能力评价 / 等级认定), certificates and the talent pool: docs/evaluation.md.
import type {
  AcceptEvaluationRequest,
  AddTalentRequest,
  AppointPanelRequest,
  CertificateDetail,
  CertificatePage,
  CertificateQuery,
  CertificateStatusRequest,
  ClearReviewFlagRequest,
  ConsolidateRequest,
  EvaluationApplicationDetail,
  EvaluationApplicationPage,
  EvaluationApplicationQuery,
  EvaluationApplicationRequest,
  EvaluationSheetView,
  EvaluatorOption,
  EvidenceFileView,
  GradeDistribution,
  GradePreviewRequest,
  GradeResultView,
  InterviewRequest,
  PublicCertificateVerification,
  RevocationDecisionRequest,
  RemoveTalentRequest,
  ResubmitEvaluationRequest,
  ReturnEvaluationRequest,
  SchemeView,
  ScoreSheetRequest,
  SiteVisitRequest,
  TalentPoolItem,
  TalentPoolPage,
  TalentPoolQuery,
  YearlyReviewRequest,
  YearlyReviewView,
} from '@cqo/contracts';
import type { DownloadedFile, RequestOptions } from './request';
import { hasFieldErrors, request, requestFile } from './request';

const id = (value: string): string => encodeURIComponent(value);
const app = (applicationId: string, step = ''): string => `/evaluation/applications/${id(applicationId)}${step}`;
const cert = (certificateId: string, step = ''): string => `/evaluation/certificates/${id(certificateId)}${step}`;
/** 404 (unknown or outside the caller's scope) is worded by the page itself. */
const notFoundSilent: RequestOptions['silent'] = (error) => error.status === 404;

// ------------------------------------------------------------------ schemes and grading

export function fetchSchemes(): Promise<SchemeView[]> {
  return request<SchemeView[]>('GET', '/evaluation/schemes');
}

/** Field errors (`scores.<id>`) are the caller's to show. */
export function previewGrade(body: GradePreviewRequest): Promise<GradeResultView> {
  return request<GradeResultView>('POST', '/evaluation/grade-preview', { body, silent: hasFieldErrors });
}

export function fetchEvaluators(): Promise<EvaluatorOption[]> {
  return request<EvaluatorOption[]>('GET', '/evaluation/evaluators');
}

// ------------------------------------------------------------------ applications

export function fetchApplications(query: EvaluationApplicationQuery): Promise<EvaluationApplicationPage> {
  return request<EvaluationApplicationPage>('GET', '/evaluation/applications', { query });
}

export function fetchApplication(applicationId: string): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('GET', app(applicationId), { silent: notFoundSilent });
}

export function createApplication(body: EvaluationApplicationRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', '/evaluation/applications', { body, silent: hasFieldErrors });
}

export function resubmitApplication(applicationId: string, body: ResubmitEvaluationRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/resubmit'), { body, silent: hasFieldErrors });
}

export function withdrawApplication(applicationId: string): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/withdraw'));
}

/** Multipart `file`; the API checks the type by its bytes (pdf/xlsx/jpg/png) and the size. */
export function uploadEvidence(applicationId: string, file: File): Promise<EvidenceFileView> {
  const body = new FormData();
  body.append('file', file, file.name);
  return request<EvidenceFileView>('POST', app(applicationId, '/evidence'), { body });
}

export function downloadEvidence(applicationId: string, fileId: string): Promise<DownloadedFile> {
  return requestFile('GET', app(applicationId, `/evidence/${id(fileId)}`));
}

export function acceptApplication(applicationId: string, body: AcceptEvaluationRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/accept'), { body, silent: hasFieldErrors });
}

export function returnApplication(applicationId: string, body: ReturnEvaluationRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/return'), { body, silent: hasFieldErrors });
}

export function appointPanel(applicationId: string, body: AppointPanelRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/panel'), { body, silent: hasFieldErrors });
}

/** Field errors `scores.<indicator id>` are shown on the sheet's fields. */
export function submitSheet(applicationId: string, body: ScoreSheetRequest): Promise<EvaluationSheetView> {
  return request<EvaluationSheetView>('POST', app(applicationId, '/sheets'), { body, silent: hasFieldErrors });
}

export function recordInterview(applicationId: string, body: InterviewRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/interview'), { body, silent: hasFieldErrors });
}

export function recordSiteVisit(applicationId: string, body: SiteVisitRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/site-visit'), { body, silent: hasFieldErrors });
}

/** The leader's consolidated sheet: the report. */
export function consolidate(applicationId: string, body: ConsolidateRequest): Promise<EvaluationApplicationDetail> {
  return request<EvaluationApplicationDetail>('POST', app(applicationId, '/report'), { body, silent: hasFieldErrors });
}

export function issueCertificate(applicationId: string): Promise<CertificateDetail> {
  return request<CertificateDetail>('POST', app(applicationId, '/certificate'));
}

// ------------------------------------------------------------------ certificates

export function fetchCertificates(query: CertificateQuery): Promise<CertificatePage> {
  return request<CertificatePage>('GET', '/evaluation/certificates', { query });
}

export function fetchCertificate(certificateId: string): Promise<CertificateDetail> {
  return request<CertificateDetail>('GET', cert(certificateId), { silent: notFoundSilent });
}

export function changeCertificateStatus(certificateId: string, body: CertificateStatusRequest): Promise<CertificateDetail> {
  return request<CertificateDetail>('POST', cert(certificateId, '/status'), { body, silent: hasFieldErrors });
}

export function clearReviewFlag(certificateId: string, body: ClearReviewFlagRequest): Promise<CertificateDetail> {
  return request<CertificateDetail>('POST', cert(certificateId, '/review-flag/clear'), { body, silent: hasFieldErrors });
}

/** 001 §11 声明证书作废: confirm the revocation a violation called for. */
export function confirmRevocation(certificateId: string, body: RevocationDecisionRequest): Promise<CertificateDetail> {
  return request<CertificateDetail>('POST', cert(certificateId, '/revocation/confirm'), { body, silent: hasFieldErrors });
}

/** Decide against the pending revocation; the suspension stays. */
export function dismissRevocation(certificateId: string, body: RevocationDecisionRequest): Promise<CertificateDetail> {
  return request<CertificateDetail>('POST', cert(certificateId, '/revocation/dismiss'), { body, silent: hasFieldErrors });
}

export function addYearlyReview(certificateId: string, body: YearlyReviewRequest): Promise<YearlyReviewView> {
  return request<YearlyReviewView>('POST', cert(certificateId, '/reviews'), { body, silent: hasFieldErrors });
}

/**
 * The login-free check behind `/verify/cqo/<number>`: no token is sent, and the page words every
 * outcome itself (404, 429) rather than a toast.
 */
export function verifyEvaluationCertificate(number: string): Promise<PublicCertificateVerification> {
  return request<PublicCertificateVerification>('GET', `/public/evaluation-certificates/${id(number)}`, { auth: false, silent: true });
}

// ------------------------------------------------------------------ talent pool and distribution

export function fetchTalentPool(query: TalentPoolQuery): Promise<TalentPoolPage> {
  return request<TalentPoolPage>('GET', '/evaluation/talent-pool', { query });
}

export function addTalent(body: AddTalentRequest): Promise<TalentPoolItem> {
  return request<TalentPoolItem>('POST', '/evaluation/talent-pool', { body, silent: hasFieldErrors });
}

export function removeTalent(talentId: string, body: RemoveTalentRequest): Promise<void> {
  return request<void>('POST', `/evaluation/talent-pool/${id(talentId)}/removal`, { body, silent: hasFieldErrors });
}

export function fetchGradeDistribution(options: Pick<RequestOptions, 'silent'> = {}): Promise<GradeDistribution> {
  return request<GradeDistribution>('GET', '/evaluation/distribution', options);
}

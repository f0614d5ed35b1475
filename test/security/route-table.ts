import type { Role } from '@cqo/contracts';
import { ROLES } from '@cqo/contracts';
import { chinaDate, yearOf } from '@cqo/policy';
import { completeReport, hubeiEligibleFiling, makeEnterprise, makeUser, PASSWORD } from '../support/fixtures';
import type { ApiRoute } from '../support/openapi';
import type { TestApp } from '../support/test-app';

/**
 * The route table of the standing security suite (issue 18): for every route of the OpenAPI
 * document, the roles it serves and how it relates to objects in scope, and the fixture that gives
 * its path parameters real ids. Used by route-matrix.e2e-spec.ts (which fails on a route missing
 * here) and write-fuzz.e2e-spec.ts (which calls each write route as a role it serves).
 */
// ---------------------------------------------------------------------------------------------
// Fixture: what a path parameter stands for.
export type Fx =
  | 'enterprise' | 'appointment' | 'violation' | 'trainingRecord' | 'trainingCertCode' | 'annualReport' | 'evalApplication'
  | 'evidenceFile' | 'fileJob' | 'notification' | 'changeRequest' | 'user' | 'evalCertificate' | 'evalCertNumber' | 'talent' | 'county' | 'city' | 'year' | 'missing';

/**
 * How a route relates to objects in scope:
 *  - object: the path (or body) names one of A's objects; out of scope → 404, nothing written;
 *  - list:   a list or summary; out of scope → 200 without any of A's objects;
 *  - none:   nothing scoped (reference data, the caller's own account); out of scope is served too;
 *  - absent: the fixture has no such object (named in `why`): every allowed caller gets 404.
 */
export type Scope = 'object' | 'list' | 'none' | 'absent';

export interface Rule {
  /** Roles served by the route (for an object in their scope). Everyone else gets 404. */
  roles: readonly Role[];
  scope: Scope;
  /** Path parameter → fixture (default: enterpriseId → enterprise, year → year, regionCode → city). */
  params?: Record<string, Fx>;
  query?: (f: Fixture) => Record<string, string>;
  body?: (f: Fixture) => Record<string, unknown>;
  /** Statuses an in-scope caller may get besides 2xx (a write in the wrong state: 400/409). */
  also?: number[];
  why?: string;
  /** Out of scope answers this instead of 404 (a field error on a value the caller chose, or a per-id result), still writing nothing. */
  out?: { status: number; why: string };
  /** Sends an evidence file (multipart) instead of a JSON body. */
  attach?: boolean;
  /** In scope, called after the other writes (it takes the object away, e.g. voids it). */
  last?: boolean;
  /** Ends or renews the caller's session (sign-out, refresh, password change): called on a session of its own. */
  fresh?: boolean;
}

/** The few routes anyone may call without a token, and why. */
export const PUBLIC: Record<string, string> = {
  'POST /api/auth/login': 'sign-in itself',
  'POST /api/auth/refresh': 'renews an expired access token; it checks the token it is given itself',
  'GET /api/health': 'liveness/readiness probe for the orchestrator; reports no data',
  'GET /api/public/verify/{code}': 'public verification of a training hours certificate (QR code on the paper)',
  'GET /api/public/evaluation-certificates/{number}': 'public verification of an evaluation certificate (001 §10, masked name)',
};

export const ALL: readonly Role[] = ROLES;
export const OFFICERS: readonly Role[] = ['county', 'city', 'province'];
export const FILERS: readonly Role[] = ['enterprise', 'county', 'city', 'province'];
/** Personal data (CQO names, phones, training, evaluations) is not the system admin's (SPEC; issue 18 item 8). */
export const NOT_ADMIN: readonly Role[] = ['enterprise', 'evaluator', 'province', 'city', 'county'];
export const WRITE_STATE = [400, 409];

export const ROUTES: Record<string, Rule> = {
  // auth (public ones above; these need a session and concern only the caller's own)
  'POST /api/auth/login': { roles: ALL, scope: 'none', body: (f) => ({ username: f.loginUser, password: PASSWORD }) },
  'POST /api/auth/refresh': { roles: ALL, scope: 'none', fresh: true },
  'POST /api/auth/logout': { roles: ALL, scope: 'none', fresh: true },
  // a new password the policy refuses: the caller's password must stay as it is for the rest of the run
  'POST /api/auth/password': { roles: ALL, scope: 'none', fresh: true, body: () => ({ currentPassword: PASSWORD, newPassword: 'short' }), also: [400] },
  'GET /api/auth/me': { roles: ALL, scope: 'none' },
  'GET /api/health': { roles: ALL, scope: 'none', also: [503], why: '503 while no worker has reported (none runs in this file)' },
  'GET /api/public/verify/{code}': { roles: ALL, scope: 'none', params: { code: 'trainingCertCode' } },
  'GET /api/public/evaluation-certificates/{number}': { roles: ALL, scope: 'none', params: { number: 'evalCertNumber' } },

  'POST /api/admin/queues/session': { roles: ['admin'], scope: 'none' },
  // Not region-scoped: one province per deployment, and its officers and the admin read the whole log.
  // An officer bound to another province's code reads it too (open point, docs/security.md).
  'GET /api/audit': { roles: ['admin', 'province'], scope: 'none', why: 'the deployment-wide log' },

  // the caller's own contact details and e-mail / SMS opt-out (issue 22)
  'GET /api/me/message-preferences': { roles: ALL, scope: 'none' },
  'PUT /api/me/message-preferences': { roles: ALL, scope: 'none', body: () => ({ emailEnabled: false, smsEnabled: false }), also: WRITE_STATE },

  // user administration: the system admin's (SPEC §1); the target is a throwaway county account
  'GET /api/users': { roles: ['admin'], scope: 'none' },
  'POST /api/users': { roles: ['admin'], scope: 'none', body: (f) => ({ username: `matrix-new-${f.tag}`, displayName: '矩阵新用户', role: 'county', regionCode: '420102', password: 'Matrix-Initial-2026!' }), also: WRITE_STATE },
  'POST /api/users/{id}/disable': { roles: ['admin'], scope: 'none', params: { id: 'user' }, also: WRITE_STATE },
  'POST /api/users/{id}/enable': { roles: ['admin'], scope: 'none', params: { id: 'user' }, also: WRITE_STATE },
  'POST /api/users/{id}/unlock': { roles: ['admin'], scope: 'none', params: { id: 'user' }, also: WRITE_STATE },
  'POST /api/users/{id}/reset-password': { roles: ['admin'], scope: 'none', params: { id: 'user' }, body: () => ({ password: 'Matrix-Reset-2026!' }), also: WRITE_STATE },

  // stats
  'GET /api/stats/dashboard': { roles: ['county', 'city', 'province', 'admin'], scope: 'list' },
  'GET /api/stats/regions/{code}': { roles: ['county', 'city', 'province', 'admin'], scope: 'object', params: { code: 'county' } },
  'GET /api/stats/assessment': { roles: ['province', 'admin'], scope: 'list' },
  'GET /api/stats/settings': { roles: ['county', 'city', 'province', 'admin'], scope: 'none' },
  'PUT /api/stats/settings': { roles: ['province'], scope: 'list', body: () => ({}), also: WRITE_STATE },
  'GET /api/stats/runs': { roles: ['province', 'admin'], scope: 'list' },
  'POST /api/stats/rebuild': { roles: ['province', 'admin'], scope: 'list', body: () => ({}), also: WRITE_STATE },
  'GET /api/stats/geojson': { roles: ['county', 'city', 'province', 'admin'], scope: 'absent', why: 'no PROVINCE_GEOJSON map configured in tests' },

  // regions
  'GET /api/regions/scope': { roles: ['county', 'city', 'province', 'admin', 'evaluator'], scope: 'none' },
  'GET /api/regions/{code}/children': { roles: ['county', 'city', 'province', 'admin', 'evaluator'], scope: 'object', params: { code: 'county' } },

  // enterprises
  'GET /api/enterprises': { roles: ['county', 'city', 'province', 'admin'], scope: 'list' },
  'POST /api/enterprises': { roles: OFFICERS, scope: 'object', body: (f) => ({ creditCode: f.newCreditCode, name: `矩阵新企业${f.tag}有限公司`, regionCode: '420102', aboveSize: true, awards: [] }), also: WRITE_STATE,
    out: { status: 400, why: 'the region is a field the officer picks: a region outside the scope is a field error on regionCode' } },
  'GET /api/enterprises/{id}': { roles: ['enterprise', 'county', 'city', 'province', 'admin'], scope: 'object', params: { id: 'enterprise' } },
  'PATCH /api/enterprises/{id}': { roles: FILERS, scope: 'object', params: { id: 'enterprise' }, body: (f) => ({ ownership: '民营', version: f.enterpriseVersion }), also: WRITE_STATE },
  // issue 17: 注销 / 恢复 by an officer whose scope holds the enterprise; run last (a closed enterprise refuses other writes)
  'POST /api/enterprises/{id}/close': { roles: OFFICERS, scope: 'object', params: { id: 'enterprise' }, body: (f) => ({ closedOn: f.today, reason: '注销', version: f.enterpriseVersion }), also: WRITE_STATE, last: true },
  'POST /api/enterprises/{id}/reopen': { roles: OFFICERS, scope: 'object', params: { id: 'enterprise' }, body: (f) => ({ reopenedOn: f.today, version: f.enterpriseVersion }), also: WRITE_STATE, last: true },
  // issue 18 item 4: an enterprise's own edit of 规上/size/awards/region waits for an officer
  'GET /api/enterprise-change-requests': { roles: FILERS, scope: 'list' },
  'GET /api/enterprise-change-requests/{id}': { roles: FILERS, scope: 'object', params: { id: 'changeRequest' } },
  'POST /api/enterprise-change-requests/{id}/approve': { roles: OFFICERS, scope: 'object', params: { id: 'changeRequest' }, also: WRITE_STATE },
  'POST /api/enterprise-change-requests/{id}/reject': { roles: OFFICERS, scope: 'object', params: { id: 'changeRequest' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE },

  // policy
  'GET /api/policy': { roles: ALL, scope: 'none' },
  'POST /api/policy/profiles': { roles: ['province', 'admin'], scope: 'none', body: () => ({ basedOn: 'nope@1', effectiveFrom: '2030-01-01', rules: [] }), also: [400, 404, 409] },
  'POST /api/policy/schedule': { roles: ['province', 'admin'], scope: 'none', body: () => ({ profile: 'nope@1', from: '2030-01-01' }), also: [400, 404, 409] },
  'POST /api/policy/what-if': { roles: ['province', 'admin'], scope: 'none', body: () => ({ profile: 'nope@1' }), also: [400, 404, 409] },

  // appointments
  'GET /api/enterprises/{id}/appointments': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', params: { id: 'enterprise' } },
  'POST /api/enterprises/{id}/appointments': { roles: FILERS, scope: 'object', params: { id: 'enterprise' }, body: () => hubeiEligibleFiling('2021-03-01', { name: '矩阵乙' }), also: WRITE_STATE },
  'POST /api/enterprises/{id}/appointments/preview': { roles: FILERS, scope: 'object', params: { id: 'enterprise' }, body: () => hubeiEligibleFiling('2021-03-01'), also: WRITE_STATE },
  'GET /api/appointments/{id}': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', params: { id: 'appointment' } },
  'GET /api/appointments/{id}/verdict': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', params: { id: 'appointment' } },
  'POST /api/appointments/{id}/change': { roles: FILERS, scope: 'object', params: { id: 'appointment' }, body: (f) => ({ ...hubeiEligibleFiling('2021-03-01', { name: '矩阵甲' }), changeKind: 'update', effectiveOn: f.today, reason: '矩阵' }), also: WRITE_STATE },
  'POST /api/appointments/{id}/dismiss': { roles: FILERS, scope: 'object', params: { id: 'appointment' }, body: (f) => ({ endedOn: f.today, reason: '矩阵' }), also: WRITE_STATE },
  'GET /api/award-check': { roles: OFFICERS, scope: 'object', query: (f) => ({ creditCode: f.creditCodeA }) },

  // violations
  'GET /api/violations': { roles: ALL, scope: 'list' },
  'POST /api/violations': { roles: OFFICERS, scope: 'object', body: (f) => ({ enterpriseId: f.ids.enterprise, subject: 'enterprise', type: '失信', occurredOn: f.today, sourceDocument: '矩阵文书' }), also: WRITE_STATE },
  'GET /api/violations/voided': { roles: ALL, scope: 'list' },
  'POST /api/violations/{id}/void': { roles: OFFICERS, scope: 'object', params: { id: 'violation' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE, last: true },
  'PATCH /api/violations/{id}': { roles: OFFICERS, scope: 'object', params: { id: 'violation' }, body: () => ({ status: 'rectified', note: '矩阵', version: 1 }), also: WRITE_STATE },

  // training
  'GET /api/training/records': { roles: NOT_ADMIN, scope: 'list' },
  'POST /api/training/records': { roles: ['enterprise'], scope: 'object', body: (f) => ({ enterpriseId: f.ids.enterprise, ...f.trainingRecord }), also: WRITE_STATE,
    out: { status: 400, why: 'an enterprise user records for itself whatever enterpriseId says; B has no CQO, so a field error' } },
  'POST /api/training/records/{id}/reversal': { roles: FILERS, scope: 'object', params: { id: 'trainingRecord' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE },
  'GET /api/training/progress': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', query: (f) => ({ enterpriseId: f.ids.enterprise }) },
  // kept for admin's ledger check, with the names masked (test/security/personal-data)
  'GET /api/training/shortfall': { roles: ['county', 'city', 'province', 'admin'], scope: 'list' },
  'POST /api/training/certificates': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', body: (f) => ({ personId: f.personId, year: f.year - 1 }), also: WRITE_STATE },
  'GET /api/training/certificates/{code}': { roles: ['enterprise', 'county', 'city', 'province'], scope: 'object', params: { code: 'trainingCertCode' } },
  'GET /api/training/imports/template': { roles: OFFICERS, scope: 'none' },
  'POST /api/training/imports': { roles: OFFICERS, scope: 'none', body: () => ({}), also: WRITE_STATE },
  'GET /api/training/imports/{id}/error-report': { roles: ALL, scope: 'absent', params: { id: 'missing' }, why: 'no training import in this fixture' },
  'POST /api/admin/training-ledger/verify': { roles: ['admin'], scope: 'none' },

  // annual filing
  'GET /api/filing-settings/{year}': { roles: ALL, scope: 'none', params: { year: 'year' } },
  'PUT /api/filing-settings/{year}': { roles: ['province'], scope: 'none', params: { year: 'year' }, body: (f) => f.filingSettings, also: WRITE_STATE },
  // the e-mail / SMS log of one enterprise's reminders (issue 22), addresses masked
  'GET /api/annual-reports/status/messages': { roles: OFFICERS, scope: 'object', query: (f) => ({ enterpriseId: f.ids.enterprise }) },
  'GET /api/annual-reports/queue': { roles: ['city', 'county', 'province', 'admin'], scope: 'list' },
  'GET /api/annual-reports/status': { roles: ['city', 'county', 'province', 'admin'], scope: 'list' },
  'POST /api/annual-reports/remind': { roles: ['city', 'county', 'province'], scope: 'list', body: (f) => ({ year: f.year, enterpriseIds: [f.ids.enterprise] }), also: WRITE_STATE },
  'POST /api/annual-reports/bulk-accept': { roles: ['city', 'county'], scope: 'object', body: (f) => ({ ids: [f.ids.annualReport] }), also: WRITE_STATE,
    out: { status: 200, why: 'answers per id; a foreign one is skipped as 不存在或无权访问, like a missing one' } },
  'GET /api/annual-reports/by-enterprise/{enterpriseId}/{year}': { roles: FILERS, scope: 'object' },
  'PUT /api/annual-reports/by-enterprise/{enterpriseId}/{year}': { roles: ['enterprise'], scope: 'object', body: () => ({ data: completeReport(), version: 1 }), also: WRITE_STATE },
  'POST /api/annual-reports/by-enterprise/{enterpriseId}/{year}/submit': { roles: ['enterprise'], scope: 'object', body: () => ({ data: completeReport(), version: 1 }), also: WRITE_STATE },
  'GET /api/annual-reports/{id}': { roles: FILERS, scope: 'object', params: { id: 'annualReport' } },
  'POST /api/annual-reports/{id}/accept': { roles: ['city', 'county'], scope: 'object', params: { id: 'annualReport' }, body: () => ({ version: 1 }), also: WRITE_STATE },
  'POST /api/annual-reports/{id}/return': { roles: ['city', 'county'], scope: 'object', params: { id: 'annualReport' }, body: () => ({ version: 1, reason: '矩阵' }), also: WRITE_STATE },
  'GET /api/city-reports': { roles: ['city', 'province', 'admin'], scope: 'list', query: (f) => ({ year: String(f.year) }) },
  'GET /api/city-reports/{regionCode}/{year}': { roles: ['city', 'province', 'admin'], scope: 'object' },
  'PUT /api/city-reports/{regionCode}/{year}': { roles: ['city'], scope: 'object', body: () => ({ narrative: '矩阵', version: 0 }), also: WRITE_STATE },
  'GET /api/city-reports/{regionCode}/{year}/attachment': { roles: ['city', 'province'], scope: 'absent', why: 'no city report submitted in this fixture, so no kept 统计表' },
  'POST /api/city-reports/{regionCode}/{year}/submit': { roles: ['city'], scope: 'object', body: () => ({ narrative: '矩阵', version: 0 }), also: WRITE_STATE },
  'POST /api/city-reports/{regionCode}/{year}/accept': { roles: ['province'], scope: 'object', body: () => ({ version: 1 }), also: WRITE_STATE },
  'POST /api/city-reports/{regionCode}/{year}/return': { roles: ['province'], scope: 'object', body: () => ({ version: 1, reason: '矩阵' }), also: WRITE_STATE },
  'GET /api/notifications': { roles: ALL, scope: 'list' },
  'POST /api/notifications/read-all': { roles: ALL, scope: 'none' },
  // a notification is its recipient's own (A's enterprise user, reminded below)
  'POST /api/notifications/{id}/read': { roles: ['enterprise'], scope: 'object', params: { id: 'notification' } },

  // files
  'POST /api/files/exports/attachment': { roles: ['city', 'province'], scope: 'object', body: (f) => ({ region: '420100', year: f.year }), also: WRITE_STATE },
  'POST /api/files/imports/roster': { roles: OFFICERS, scope: 'none', body: () => ({}), also: WRITE_STATE },
  // a list's export is read with the caller's own scope, as the list is (issue 20 items 3, 6)
  'POST /api/files/exports/enterprises': { roles: ['county', 'city', 'province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'POST /api/files/exports/violations': { roles: ['county', 'city', 'province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'POST /api/files/exports/shortfall': { roles: ['county', 'city', 'province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'POST /api/files/exports/filing-status': { roles: ['county', 'city', 'province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'POST /api/files/exports/ranking': { roles: ['province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'POST /api/files/exports/audit': { roles: ['admin', 'province'], scope: 'none', body: () => ({}), also: WRITE_STATE, why: 'the deployment-wide log' },
  'GET /api/files/jobs': { roles: [...OFFICERS, 'admin'], scope: 'list' },
  // a file job is its creator's own (A's city officer made the export)
  'GET /api/files/jobs/{id}': { roles: ['city'], scope: 'object', params: { id: 'fileJob' } },
  'POST /api/files/jobs/{id}/cancel': { roles: ['city'], scope: 'object', params: { id: 'fileJob' }, also: WRITE_STATE },
  'POST /api/files/jobs/{id}/commit': { roles: ['city'], scope: 'object', params: { id: 'fileJob' }, also: WRITE_STATE },
  // no worker runs here: the export never finishes, so its file is not there yet (404 to its creator too)
  'GET /api/files/jobs/{id}/download': { roles: ['city'], scope: 'object', params: { id: 'fileJob' }, also: [404, 409] },
  'GET /api/roster/template': { roles: OFFICERS, scope: 'none' },
  'GET /api/roster/imports/{id}/error-report': { roles: OFFICERS, scope: 'absent', params: { id: 'missing' }, why: 'no roster import in this fixture' },

  // evaluation
  'GET /api/evaluation/schemes': { roles: ALL, scope: 'none' },
  'POST /api/evaluation/grade-preview': { roles: ALL, scope: 'none', body: () => ({ scheme: 'hunan', scores: {} }), also: [400] },
  'GET /api/evaluation/settings': { roles: ['evaluator', 'province', 'admin'], scope: 'none' },
  'PUT /api/evaluation/settings': { roles: ['province', 'admin'], scope: 'none', body: () => ({}), also: WRITE_STATE },
  'GET /api/evaluation/evaluators': { roles: ['evaluator'], scope: 'list' },
  'GET /api/evaluation/applications': { roles: NOT_ADMIN, scope: 'list' },
  'POST /api/evaluation/applications': { roles: ['enterprise'], scope: 'none', body: (f) => f.application, also: WRITE_STATE },
  'GET /api/evaluation/applications/{id}': { roles: NOT_ADMIN, scope: 'object', params: { id: 'evalApplication' } },
  'POST /api/evaluation/applications/{id}/resubmit': { roles: ['enterprise'], scope: 'object', params: { id: 'evalApplication' }, body: (f) => ({ ...f.application, version: 1 }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/withdraw': { roles: ['enterprise'], scope: 'object', params: { id: 'evalApplication' }, also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/evidence': { roles: ['enterprise'], scope: 'object', params: { id: 'evalApplication' }, attach: true, also: WRITE_STATE },
  'GET /api/evaluation/applications/{id}/evidence/{fileId}': { roles: NOT_ADMIN, scope: 'object', params: { id: 'evalApplication', fileId: 'evidenceFile' } },
  'POST /api/evaluation/applications/{id}/accept': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: () => ({}), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/return': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: () => ({ reasons: '材料不全' }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/panel': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: (f) => ({ leaderId: f.evaluatorId, memberIds: [f.evaluatorId2] }), also: WRITE_STATE,
    out: { status: 400, why: "the panel must be the caller's own body's evaluators: a field error on leaderId/memberIds, naming no application data" } },
  'POST /api/evaluation/applications/{id}/sheets': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: () => ({ scores: {} }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/interview': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: (f) => ({ date: f.today, notes: '矩阵' }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/site-visit': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: (f) => ({ date: f.today, notes: '矩阵' }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/report': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, body: () => ({ scores: {} }), also: WRITE_STATE },
  'POST /api/evaluation/applications/{id}/certificate': { roles: ['evaluator'], scope: 'object', params: { id: 'evalApplication' }, also: WRITE_STATE },
  'GET /api/evaluation/certificates': { roles: NOT_ADMIN, scope: 'list' },
  'GET /api/evaluation/certificates/{id}': { roles: NOT_ADMIN, scope: 'object', params: { id: 'evalCertificate' } },
  'POST /api/evaluation/certificates/{id}/status': { roles: ['evaluator'], scope: 'object', params: { id: 'evalCertificate' }, body: () => ({ status: 'suspended', reason: '矩阵' }), also: WRITE_STATE, last: true },
  'POST /api/evaluation/certificates/{id}/review-flag/clear': { roles: ['evaluator'], scope: 'object', params: { id: 'evalCertificate' }, body: () => ({ note: '矩阵' }), also: WRITE_STATE },
  'POST /api/evaluation/certificates/{id}/revocation/confirm': { roles: ['evaluator'], scope: 'object', params: { id: 'evalCertificate' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE },
  'POST /api/evaluation/certificates/{id}/revocation/dismiss': { roles: ['evaluator'], scope: 'object', params: { id: 'evalCertificate' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE },
  'POST /api/evaluation/certificates/{id}/reviews': { roles: ['evaluator'], scope: 'object', params: { id: 'evalCertificate' }, body: (f) => ({ year: f.year, rating: '合格', summary: '矩阵' }), also: WRITE_STATE },
  'GET /api/evaluation/talent-pool': { roles: ['province', 'evaluator'], scope: 'list' },
  'POST /api/evaluation/talent-pool': { roles: ['province'], scope: 'object', body: (f) => ({ certificateId: f.ids.evalCertificate }), also: WRITE_STATE },
  'POST /api/evaluation/talent-pool/{id}/removal': { roles: ['province'], scope: 'object', params: { id: 'talent' }, body: () => ({ reason: '矩阵' }), also: WRITE_STATE, last: true },
  'GET /api/evaluation/distribution': { roles: ['province', 'city', 'evaluator', 'admin'], scope: 'list' },
};

// ---------------------------------------------------------------------------------------------

export interface Fixture {
  tag: string;
  today: string;
  year: number;
  creditCodeA: string;
  newCreditCode: string;
  enterpriseVersion: number;
  loginUser: string;
  personId: string;
  evaluatorId: string;
  evaluatorId2: string;
  ids: Record<Fx, string>;
  /** Strings that mark A's objects: none may appear in an out-of-scope caller's list. */
  markers: string[];
  trainingRecord: Record<string, unknown>;
  filingSettings: Record<string, unknown>;
  application: Record<string, unknown>;
}

export type Side = 'in' | 'out';
export interface Caller { role: Role; side: Side; name: string; username: string; token: string }

export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
export const MISSING = '00000000-0000-4000-8000-000000000000';
export const EXCLUDED_TABLES = ['audit_log', 'user_session', 'region'] as const;

export function paramValues(route: ApiRoute, rule: Rule, f: Fixture): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of route.pathParams) {
    const fx: Fx = rule.params?.[p] ?? ({ enterpriseId: 'enterprise', year: 'year', regionCode: 'city' } as Record<string, Fx>)[p];
    if (!fx) throw new Error(`route table: say which fixture {${p}} of ${route.key} is`);
    values[p] = f.ids[fx];
  }
  return values;
}


/**
 * Enterprise A (武汉/江岸, 420102) with its objects made through the api by their owners, enterprise B
 * (宜昌/西陵, 420502), and a caller per role in A's scope ("in") and one outside it ("out": B's
 * enterprise user, 宜昌 county and city officers, a 浙江 province officer and evaluation body).
 */
export async function buildFixture(t: TestApp): Promise<{ f: Fixture; callers: Caller[] }> {
  const f = {} as Fixture;
  const callers: Caller[] = [];
    f.tag = Math.random().toString(36).slice(2, 8);
    f.today = chinaDate(new Date());
    f.year = yearOf(f.today);
    const ids = {} as Record<Fx, string>;
    f.ids = ids;
    ids.missing = MISSING;
    ids.county = '420102';
    ids.city = '420100';
    ids.year = String(f.year);

    const A = await makeEnterprise(t.db, '420102', { name: `矩阵甲企业${f.tag}有限公司` });
    const B = await makeEnterprise(t.db, '420502', { name: `矩阵乙企业${f.tag}有限公司` });
    ids.enterprise = A.id;
    f.creditCodeA = A.creditCode;
    f.newCreditCode = A.creditCode; // an existing code: the in-scope create is refused as a duplicate (409), the rest is checked by scope

    const signIn = async (username: string) => (await t.http().post('/api/auth/login').send({ username, password: PASSWORD }).expect(200)).body.accessToken as string;
    const specs: [Role, Side, { regionCode?: string; enterpriseId?: string }][] = [
      ['enterprise', 'in', { enterpriseId: A.id }], ['enterprise', 'out', { enterpriseId: B.id }],
      ['county', 'in', { regionCode: '420102' }], ['county', 'out', { regionCode: '420502' }],
      ['city', 'in', { regionCode: '420100' }], ['city', 'out', { regionCode: '420500' }],
      ['province', 'in', { regionCode: '420000' }], ['province', 'out', { regionCode: '330000' }],
      ['evaluator', 'in', { regionCode: '420000' }], ['evaluator', 'out', { regionCode: '330000' }],
      ['admin', 'in', {}],
    ];
    for (const [role, side, binding] of specs) {
      const u = await makeUser(t.db, role, binding);
      callers.push({ role, side, name: `${role}:${side}`, username: u.username, token: await signIn(u.username) });
      if (role === 'evaluator' && side === 'in') f.evaluatorId = u.id;
    }
    const as = (role: Role, side: Side = 'in') => `Bearer ${callers.find((c) => c.role === role && c.side === side)!.token}`;

    // A's objects, made through the api as their owners would.
    const appt = await must(t.http().post(`/api/enterprises/${A.id}/appointments`).set('Authorization', as('province'))
      .send(hubeiEligibleFiling(`${f.year - 3}-03-01`, { name: `矩阵甲${f.tag}`, explanation: '补录历史聘任' })), 201);
    ids.appointment = appt.body.id;
    f.personId = (await t.db.query('SELECT person_id FROM appointment WHERE id = $1', [ids.appointment]))[0].person_id;
    const vio = await must(t.http().post('/api/violations').set('Authorization', as('county'))
      .send({ enterpriseId: A.id, subject: 'enterprise', type: '失信', occurredOn: f.today, sourceDocument: '鄂市监〔2026〕1号' }), 201);
    ids.violation = vio.body.id;
    f.trainingRecord = { category: '继续教育(第一类)', course: '质量管理体系内审员提升', provider: '湖北省质量协会', startDate: `${f.year - 1}-03-01`, endDate: `${f.year - 1}-03-02`, hours: 16, certificateNo: null };
    const rec = await must(t.http().post('/api/training/records').set('Authorization', as('enterprise')).send(f.trainingRecord), 201);
    ids.trainingRecord = rec.body.id;
    const cert = await must(t.http().post('/api/training/certificates').set('Authorization', as('enterprise')).send({ personId: f.personId, year: f.year - 1 }), 200);
    ids.trainingCertCode = cert.body.code;
    f.filingSettings = { windowOpens: `${f.year}-01-01`, enterpriseDeadline: `${f.year + 1}-03-30`, cityDeadline: `${f.year + 1}-03-31`, reminderDaysBefore: [7, 1], overdueEveryDays: 7 };
    await must(t.http().put(`/api/filing-settings/${f.year}`).set('Authorization', as('province')).send(f.filingSettings), 200);
    const report = await must(t.http().put(`/api/annual-reports/by-enterprise/${A.id}/${f.year}`).set('Authorization', as('enterprise')).send({ data: completeReport(), version: 0 }), 200);
    ids.annualReport = report.body.id;
    await t.http().post('/api/annual-reports/remind').set('Authorization', as('city')).send({ year: f.year, enterpriseIds: [A.id] });
    const note = (await t.http().get('/api/notifications').set('Authorization', as('enterprise'))).body;
    ids.notification = note.items?.[0]?.id ?? MISSING;
    const job = await must(t.http().post('/api/files/exports/attachment').set('Authorization', as('city')).send({ region: '420100', year: f.year }), 202);
    ids.fileJob = job.body.id;
    const SHEET = { '8.1.1': 80, '8.1.2': 40, '8.2': 70, '8.3': 60, '8.4.1': 60, '8.4.2': 70, '8.4.3': 40, '8.4.4': 30, '8.5.1': 100, '8.5.2': 30, '8.5.3': 40, '8.5.4': 20, '8.5.5': 10 };
    f.application = { scheme: 'hunan', appliedGrade: 'AAAA', experienceYears: 5, hasCertificate: true, selfAssessment: SHEET, statement: '申请报告', recommendation: '同意推荐。' };
    const application = await must(t.http().post('/api/evaluation/applications').set('Authorization', as('enterprise')).send(f.application), 201);
    ids.evalApplication = application.body.id;
    const up = await must(t.http().post(`/api/evaluation/applications/${ids.evalApplication}/evidence`).set('Authorization', as('enterprise')).attach('file', PNG, '证明.png'), 201);
    ids.evidenceFile = up.body.id;
    // through the whole workflow to a certificate (001 §9-§10), with a panel of two, and into the talent pool
    const member = await makeUser(t.db, 'evaluator', { regionCode: '420000' });
    f.evaluatorId2 = member.id;
    const memberAuth = `Bearer ${await signIn(member.username)}`;
    const step = (path: string, auth: string, body: Record<string, unknown>) => must(t.http().post(`/api/evaluation/applications/${ids.evalApplication}/${path}`).set('Authorization', auth).send(body), 200);
    await step('accept', as('evaluator'), { note: '材料齐全' });
    await step('panel', as('evaluator'), { leaderId: f.evaluatorId, memberIds: [member.id] });
    await step('sheets', as('evaluator'), { scores: SHEET });
    await step('sheets', memberAuth, { scores: SHEET });
    await step('interview', memberAuth, { date: f.today, notes: '答辩' });
    await step('site-visit', as('evaluator'), { date: f.today, notes: '现场' });
    await step('report', as('evaluator'), { scores: SHEET, conclusion: '建议认定为 AAAA 级' });
    const evalCert = await must(t.http().post(`/api/evaluation/applications/${ids.evalApplication}/certificate`).set('Authorization', as('evaluator')), 201);
    ids.evalCertificate = evalCert.body.id;
    ids.evalCertNumber = evalCert.body.number;
    const talent = await must(t.http().post('/api/evaluation/talent-pool').set('Authorization', as('province')).send({ certificateId: ids.evalCertificate, note: '矩阵' }), 201);
    ids.talent = talent.body.id;

    // an enterprise's own change of 规上 waits for an officer as a change request (issue 18 item 4)
    await must(t.http().patch(`/api/enterprises/${A.id}`).set('Authorization', as('enterprise')).send({ aboveSize: false, version: 1 }), 202);
    const requests = await must(t.http().get('/api/enterprise-change-requests').set('Authorization', as('enterprise')), 200);
    ids.changeRequest = requests.body.items[0].id;
    f.enterpriseVersion = Number((await t.db.query('SELECT version FROM enterprise WHERE id = $1', [A.id]))[0].version);
    ids.user = (await makeUser(t.db, 'county', { regionCode: '420102' })).id;
    f.loginUser = (await makeUser(t.db, 'county', { regionCode: '420102' })).username;

    f.markers = [A.id, A.creditCode, `矩阵甲企业${f.tag}`, ids.appointment, ids.violation, ids.trainingRecord, ids.annualReport, ids.evalApplication, ids.evalCertificate, ids.evalCertNumber, `矩阵甲${f.tag}`];
  return { f, callers };
}

/** The response, or a failure naming the status and body the fixture step got. */
export async function must<R extends { status: number; body: unknown }>(req: PromiseLike<R>, status: number): Promise<R> {
  const res = await req;
  if (res.status !== status) throw new Error(`fixture step: want ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}


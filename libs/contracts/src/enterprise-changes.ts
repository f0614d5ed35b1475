import type { EnterpriseAward, SizeClass } from './api';

/**
 * The enterprise fields that move statistics and position rules (规上, size, awards, region): an
 * enterprise's own edit of them is a change request an officer in scope approves (issue 18 item 4).
 */
export const REVIEWED_ENTERPRISE_FIELDS = ['aboveSize', 'sizeClass', 'awards', 'regionCode'] as const;
export type ReviewedEnterpriseField = (typeof REVIEWED_ENTERPRISE_FIELDS)[number];

export const CHANGE_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'superseded'] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** The reviewed fields, each present only when asked for (changes) or recorded (before). */
export interface EnterpriseReviewedFields {
  aboveSize?: boolean;
  sizeClass?: SizeClass | null;
  awards?: EnterpriseAward[];
  regionCode?: string;
  /** The region's name, for display (not part of a request body). */
  regionName?: string;
}

/**
 * `PATCH /api/enterprises/:id` by the enterprise itself answers 202 with this when it asked for a
 * reviewed field; `GET /api/enterprise-change-requests` lists them.
 */
export interface EnterpriseChangeRequest {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  creditCode: string;
  regionCode: string;
  regionName: string;
  status: ChangeRequestStatus;
  changes: EnterpriseReviewedFields;
  before: EnterpriseReviewedFields;
  requestedAt: string;
  requestedBy: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The rejection's reason (or an approval's note). */
  reason: string | null;
}

export interface EnterpriseChangeRequestQuery {
  status?: ChangeRequestStatus;
  enterpriseId?: string;
  page?: number;
  pageSize?: number;
}

export interface RejectChangeRequestRequest {
  reason: string;
}

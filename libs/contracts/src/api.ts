import type { EnterpriseCqoCell } from './cqo';
import type { RegionLevel, Role } from './roles';

/** All API routes live under this prefix; the web app is served from `/`. */
export const API_PREFIX = 'api';

export interface LoginRequest {
  username: string;
  password: string;
}

export interface MeResponse {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  regionName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
}

export interface TokenResponse {
  accessToken: string;
  /** Seconds until the access token expires; refresh before then. */
  expiresIn: number;
  /** Minutes of inactivity after which the session ends. */
  idleTimeoutMinutes: number;
}

export interface LoginResponse extends TokenResponse {
  user: MeResponse;
}

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  hasChildren: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const SIZE_CLASSES = ['大型', '中型', '小型', '微型'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];
export const OWNERSHIP_TYPES = ['国有', '民营', '外资', '其他'] as const;
export type OwnershipType = (typeof OWNERSHIP_TYPES)[number];
export const AWARD_TYPES = ['中国质量奖', '中国质量奖提名奖', '长江质量奖', '长江质量奖提名奖', '市州政府质量奖'] as const;
export type AwardType = (typeof AWARD_TYPES)[number];
/** GB/T 4754 门类 A–T. */
export const INDUSTRY_SECTIONS = 'ABCDEFGHIJKLMNOPQRST'.split('');

export interface EnterpriseListItem {
  id: string;
  creditCode: string;
  name: string;
  regionCode: string;
  regionName: string;
  aboveSize: boolean;
  sizeClass: SizeClass | null;
  ownership: OwnershipType | null;
  industry: string | null;
  /** Has any award of AWARD_TYPES. */
  hasAward: boolean;
  /** The active CQO appointment, if any. */
  cqo: EnterpriseCqoCell | null;
}

export interface EnterpriseAward {
  award: AwardType;
  year: number;
}

export interface EnterpriseDetail extends EnterpriseListItem {
  awards: EnterpriseAward[];
  version: number;
  updatedAt: string;
}

export interface UpdateEnterpriseRequest {
  name?: string;
  aboveSize?: boolean;
  sizeClass?: SizeClass;
  ownership?: OwnershipType;
  industry?: string;
  /** Replaces the award list when present. */
  awards?: EnterpriseAward[];
  /** The version the edit was made from (optimistic locking); a stale one is refused. */
  version?: number;
}

/** POST /api/enterprises — a city / county / province officer registers an enterprise in scope. */
export interface CreateEnterpriseRequest {
  creditCode: string;
  name: string;
  /** A 县市区 code, or a 市州 code, inside the officer's scope. */
  regionCode: string;
  aboveSize: boolean;
  sizeClass?: SizeClass | null;
  ownership?: OwnershipType | null;
  industry?: string | null;
  awards?: EnterpriseAward[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorUsername: string | null;
  ip: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  result: 'success' | 'denied' | 'failure';
}

export interface HealthResponse {
  status: 'ok' | 'error';
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

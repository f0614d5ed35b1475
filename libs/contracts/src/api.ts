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
  /**
   * The password must be changed before anything else (an account made by `cqo user:add` or a
   * reset, ASVS V2.1.1/V2.5): until then every route but me, password and logout answers 403
   * PASSWORD_CHANGE_REQUIRED.
   */
  mustChangePassword: boolean;
}

export interface TokenResponse {
  /**
   * The access token, also the one-time refresh credential: `POST /auth/refresh` with it as bearer
   * answers a new token and retires this one (rotation with reuse detection, ASVS V3.3).
   */
  accessToken: string;
  /** Seconds until the access token expires; refresh before then. */
  expiresIn: number;
  /** Minutes of inactivity after which the session ends. */
  idleTimeoutMinutes: number;
  /** When the session ends whatever happens (absolute lifetime from sign-in, ASVS V3.3.2), ISO 8601. */
  sessionExpiresAt: string;
}

/** `POST /auth/password`: signs out every other session of the user. */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
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

/** The lengths of an enterprise's name and of the closing note and a change request's rejection reason (DTOs and web forms). */
export const ENTERPRISE_LIMITS = { name: 100, closingNote: 500, rejectReason: 500 } as const;

export const SIZE_CLASSES = ['大型', '中型', '小型', '微型'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];
export const OWNERSHIP_TYPES = ['国有', '民营', '外资', '其他'] as const;
export type OwnershipType = (typeof OWNERSHIP_TYPES)[number];
export const AWARD_TYPES = ['中国质量奖', '中国质量奖提名奖', '长江质量奖', '长江质量奖提名奖', '市州政府质量奖'] as const;
export type AwardType = (typeof AWARD_TYPES)[number];
/** GB/T 4754 门类 A–T. */
export const INDUSTRY_SECTIONS = 'ABCDEFGHIJKLMNOPQRST'.split('');

/** GB/T 4754-2017 门类 names, by letter (the attachment table and the roster template print them). */
export const INDUSTRY_SECTION_NAMES: Record<string, string> = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
};

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
  /** The enterprise's open closing (注销/吊销/迁出), if it is closed (issue 17); null when open. */
  closed?: EnterpriseClosing | null;
}

/** Why an enterprise left the register (issue 17: the enterprise's dated open/closed state). */
export const CLOSING_REASONS = ['注销', '吊销', '迁出', '其他'] as const;
export type ClosingReason = (typeof CLOSING_REASONS)[number];

export interface EnterpriseClosing {
  /** The first day it is closed: it counts in the figures of earlier dates only. */
  closedOn: string;
  reason: ClosingReason;
}

/** POST /api/enterprises/:id/close */
export interface CloseEnterpriseRequest {
  closedOn: string;
  reason: ClosingReason;
  note?: string;
  version: number;
}

/** POST /api/enterprises/:id/reopen */
export interface ReopenEnterpriseRequest {
  reopenedOn: string;
  version: number;
}

export interface EnterpriseAward {
  award: AwardType;
  /** The year of the award; null when it is not known (SPEC §8: a year is optional, e.g. an imported `长江质量奖`). */
  year: number | null;
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
  /** Moves the enterprise to this 市州 / 县市区. */
  regionCode?: string;
  /** The version the edit was made from (optimistic locking): required, a stale one is a 409. */
  version: number;
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

/** One account on the administration page (GET /api/users; issue 20 item 4). */
export interface UserAdminItem {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string | null;
  regionName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  active: boolean;
  mustChangePassword: boolean;
  /** Locked by failed sign-ins from at least one client until this time; null when not locked. */
  lockedUntil: string | null;
}

export interface CreateUserRequest {
  username: string;
  displayName: string;
  role: Role;
  regionCode?: string | null;
  enterpriseId?: string | null;
  password: string;
}

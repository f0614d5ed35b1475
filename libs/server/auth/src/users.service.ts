import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApiErrorDetail, Role, UserAdminItem } from '@cqo/contracts';
import { isUuid } from '@cqo/contracts';
import { AppException, Clock, isoOrNull, pickCamel, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import { AccountsRepository, type UserAdminRow } from './accounts.repository';
import { hashPassword, passwordPolicyErrors } from './password';

/** The region level each officer role is bound to (1 province, 2 city, 3 county). */
const REGION_LEVEL: Partial<Record<Role, number>> = { province: 1, city: 2, county: 3 };

/**
 * Account administration for admin (issue 20 item 4; 等保 2.0 8.1.4.2 身份鉴别, ASVS V2.1/V2.5):
 * every write is one transaction with its audit row; new and reset passwords follow the password
 * policy and must be changed at the next sign-in (mustChangePassword, as `cqo user:add`).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly accounts: AccountsRepository,
  ) {}

  async list(q: { q?: string; role?: Role; sort?: string; page: number; pageSize: number }): Promise<{ items: UserAdminItem[]; total: number; page: number; pageSize: number }> {
    return this.accounts.listUsers(q, this.clock.now(), toItem);
  }

  async create(
    actor: Actor,
    dto: { username: string; displayName: string; role: Role; regionCode?: string | null; enterpriseId?: string | null; password: string },
  ): Promise<UserAdminItem> {
    const errors = passwordPolicyErrors(dto.password, dto.username, 'password');
    if (errors.length) throw AppException.validation(errors);
    const hash = await hashPassword(dto.password);
    const id = await this.unitOfWork.run(actor, 'user.create', async (m, tx) => {
      const binding = await this.binding(m, dto.role, dto.regionCode ?? null, dto.enterpriseId ?? null);
      const taken = () => AppException.validation([{ field: 'username', code: 'taken', message: `用户名 ${dto.username} 已被使用` }]);
      // Whatever its case; the insert itself refuses the same name created meanwhile.
      if (await this.accounts.usernameTaken(m, dto.username)) throw taken();
      const id = await this.accounts.create(m, { username: dto.username, displayName: dto.displayName, passwordHash: hash, role: dto.role, regionCode: binding.regionCode, enterpriseId: binding.enterpriseId });
      if (!id) throw taken();
      await tx.audit({ objectType: 'user', objectId: id, details: { username: dto.username, role: dto.role } });
      return id;
    });
    return this.get(id);
  }

  /** Disabling ends the account's sessions at once (ASVS V3.3.1). */
  async setActive(actor: Actor, id: string, active: boolean): Promise<UserAdminItem> {
    await this.unitOfWork.run(actor, active ? 'user.enable' : 'user.disable', async (m, tx) => {
      const user = await this.lockUser(m, id);
      if (!active && user.id === actor.userId) throw AppException.validation([{ field: 'id', code: 'self', message: '不能停用自己的账号' }]);
      await this.accounts.setActive(m, id, active);
      const ended = active ? 0 : await this.accounts.endSessions(m, id, this.clock.now());
      await tx.audit({ objectType: 'user', objectId: id, details: { username: user.username, sessionsEnded: ended } });
    });
    return this.get(id);
  }

  /** Lifts the sign-in lockout of every client (the per-(account, client) locks of docs/sessions.md). */
  async unlock(actor: Actor, id: string): Promise<UserAdminItem> {
    await this.unitOfWork.run(actor, 'user.unlock', async (m, tx) => {
      const user = await this.lockUser(m, id);
      const cleared = await this.accounts.clearLoginLocks(m, user.username);
      await this.accounts.clearLockedUntil(m, id);
      await tx.audit({ objectType: 'user', objectId: id, details: { username: user.username, locksCleared: cleared } });
    });
    return this.get(id);
  }

  /** As `cqo user:reset-password`: a policy-checked password, changed at the next sign-in, sessions ended, locks lifted. */
  async resetPassword(actor: Actor, id: string, password: string): Promise<UserAdminItem> {
    const user0 = await this.get(id);
    const errors = passwordPolicyErrors(password, user0.username, 'password');
    if (errors.length) throw AppException.validation(errors);
    const hash = await hashPassword(password);
    await this.unitOfWork.run(actor, 'user.password-reset', async (m, tx) => {
      const user = await this.lockUser(m, id);
      await this.accounts.resetPassword(m, id, hash);
      const ended = await this.accounts.endSessions(m, id, this.clock.now());
      await this.accounts.clearLoginLocks(m, user.username);
      await tx.audit({ objectType: 'user', objectId: id, details: { username: user.username, sessionsEnded: ended } });
    });
    return this.get(id);
  }

  async get(id: string): Promise<UserAdminItem> {
    if (!isUuid(id)) throw AppException.notFound('用户');
    const row = await this.accounts.userById(id, this.clock.now());
    if (!row) throw AppException.notFound('用户');
    return toItem(row);
  }

  private async lockUser(m: EntityManager, id: string): Promise<{ id: string; username: string }> {
    if (!isUuid(id)) throw AppException.notFound('用户');
    const row = await this.accounts.lockUser(m, id);
    if (!row) throw AppException.notFound('用户');
    return row;
  }

  /** The role's binding: a region of the role's level for officers, an enterprise for an enterprise account. */
  private async binding(m: EntityManager, role: Role, regionCode: string | null, enterpriseId: string | null): Promise<{ regionCode: string | null; enterpriseId: string | null }> {
    const errors: ApiErrorDetail[] = [];
    if (role === 'enterprise') {
      if (!enterpriseId) errors.push({ field: 'enterpriseId', code: 'required', message: '企业账号须绑定企业' });
      else if (!isUuid(enterpriseId) || !(await this.accounts.enterpriseExists(m, enterpriseId))) {
        errors.push({ field: 'enterpriseId', code: 'unknown', message: '所选企业不存在' });
      }
      if (errors.length) throw AppException.validation(errors);
      return { regionCode: null, enterpriseId };
    }
    const level = REGION_LEVEL[role];
    if (level) {
      if (!regionCode) errors.push({ field: 'regionCode', code: 'required', message: '监管账号须绑定管辖地区' });
      else {
        const regionLevel = await this.accounts.regionLevel(m, regionCode);
        if (regionLevel === null) errors.push({ field: 'regionCode', code: 'unknown', message: '所选地区不存在' });
        else if (regionLevel !== level) errors.push({ field: 'regionCode', code: 'level', message: `${ROLE_NAMES[role]}账号须绑定${['', '省级', '市级', '县级'][level]}地区` });
      }
      if (errors.length) throw AppException.validation(errors);
      return { regionCode, enterpriseId: null };
    }
    return { regionCode: null, enterpriseId: null };
  }
}

const ROLE_NAMES: Record<Role, string> = { enterprise: '企业', county: '县级监管', city: '市级监管', province: '省级监管', evaluator: '评价机构', admin: '系统管理员' };

function toItem(r: UserAdminRow): UserAdminItem {
  return {
    ...pickCamel(r, ['id', 'username', 'display_name', 'role', 'region_code', 'region_name', 'enterprise_id', 'enterprise_name', 'must_change_password']),
    active: r.is_active,
    lockedUntil: isoOrNull(r.locked_until),
  };
}

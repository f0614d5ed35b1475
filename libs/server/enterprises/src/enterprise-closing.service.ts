import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid, type EnterpriseDetail } from '@cqo/contracts';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { AppointmentsRepository } from '@cqo/server-eligibility';
import { UnitOfWork } from '@cqo/server-queue';
import type { CloseEnterpriseDto, ReopenEnterpriseDto } from './dtos/close-enterprise.dto';
import { closingProblems, reopeningProblems } from './enterprise-closing.rules';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';
import { EnterpriseEntity } from './entities/enterprise.entity';

const STALE = '企业信息已被他人修改，请刷新后重试';

/**
 * 注销 / 吊销 / 迁出 of an enterprise and its reopening (issue 17: open/closed is one of the
 * enterprise's dated attributes). A closing holds from its date on (`enterprise_closure`): the
 * enterprise counts in the figures of earlier dates only, its CQO appointment ends on that date
 * (so it leaves the 应报 list of later years), and what was counted before stays. One transaction
 * each, audited, by a county, city or province officer whose scope holds the enterprise.
 */
@Injectable()
export class EnterpriseClosingService {
  constructor(
    private readonly records: EnterprisesRepository,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly enterprises: EnterprisesService,
    private readonly appointments: AppointmentsRepository,
  ) {}

  async close(actor: Actor, id: string, dto: CloseEnterpriseDto): Promise<EnterpriseDetail> {
    return this.write(actor, id, dto.version, 'enterprise.close', async (m, e) => {
      const cqo = await this.appointments.activeOf(m, id);
      const today = this.clock.today();
      const problems = closingProblems({ closedOn: dto.closedOn, today, closedSince: e.closedOn, cqoFrom: cqo?.effective_from ?? null });
      if (problems.length) throw AppException.validation(problems);
      const now = this.clock.now();
      const closureId = await this.records.close(m, { enterpriseId: id, closedOn: dto.closedOn, reason: dto.reason, note: dto.note?.trim() || null, by: actor.userId || null, at: now });
      // The CQO's term ends with the enterprise (end_reason names why).
      if (cqo) {
        await this.appointments.end(m, cqo.id, 'dismissed', dto.closedOn, `企业${dto.reason}`);
      }
      return { closureId, closedOn: dto.closedOn, reason: dto.reason, endedAppointment: cqo?.id ?? null };
    });
  }

  async reopen(actor: Actor, id: string, dto: ReopenEnterpriseDto): Promise<EnterpriseDetail> {
    return this.write(actor, id, dto.version, 'enterprise.reopen', async (m, e) => {
      const problems = reopeningProblems({ reopenedOn: dto.reopenedOn, today: this.clock.today(), closedSince: e.closedOn });
      if (problems.length) throw AppException.validation(problems);
      const now = this.clock.now();
      const closureId = await this.records.reopen(m, { enterpriseId: id, reopenedOn: dto.reopenedOn, by: actor.userId || null, at: now });
      return { closureId, reopenedOn: dto.reopenedOn };
    });
  }

  /**
   * A closing or reopening as one unit of work: the scope checked (and a refusal audited) before it
   * opens, the enterprise locked at the form's version, `work` answers the audit row's details,
   * and the statistics refresh goes with it.
   */
  private async write(
    actor: Actor,
    id: string,
    version: number,
    action: 'enterprise.close' | 'enterprise.reopen',
    work: (m: EntityManager, e: EnterpriseEntity) => Promise<Record<string, unknown>>,
  ): Promise<EnterpriseDetail> {
    await this.assertScope(actor, id);
    await this.unitOfWork.run(actor, action, async (m, tx) => {
      const details = await work(m, await this.locked(m, id, version));
      await tx.audit({ objectType: 'enterprise', objectId: id, details });
      await tx.enqueue('stats.refresh', { reason: action, enterpriseId: id });
    });
    return this.enterprises.get(actor, id);
  }

  /** 404 unless the enterprise exists in the actor's scope (checked, and a refusal audited, before the transaction opens). */
  private async assertScope(actor: Actor, id: string): Promise<void> {
    const regionPath = isUuid(id) ? await this.records.regionPathOf(id) : null;
    if (regionPath === null) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id, regionPath, enterpriseId: id }, 'write', '企业');
  }

  /** The enterprise locked for this transaction at the version the form was read at (else 409). */
  private async locked(m: EntityManager, id: string, version: number): Promise<EnterpriseEntity> {
    const current = await this.records.lockedVersion(m, id);
    if (current === null) throw AppException.notFound('企业');
    if (current !== version) throw AppException.conflict(STALE);
    return m.findOneByOrFail(EnterpriseEntity, { id });
  }
}

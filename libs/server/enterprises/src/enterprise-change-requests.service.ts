import { Injectable } from '@nestjs/common';
import type { EnterpriseChangeRequest, Page } from '@cqo/contracts';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, listWhere, type Actor } from '@cqo/server-common';
import { UnitOfWork } from '@cqo/server-queue';
import type { ChangeRequestQueryDto } from './dtos/change-request.dto';
import { EnterpriseChangeRequestsRepository, toChangeRequest, type ChangeRequestRow } from './enterprise-change-requests.repository';
import { EnterprisesService } from './enterprises.service';

/**
 * An enterprise's own change of 规上, size, awards or region waits for an officer in scope
 * (issue 18 item 4). Approval applies it through the officer's own edit path (versioned update,
 * audit, statistics refresh); rejection leaves the enterprise as it is and records why.
 */
@Injectable()
export class EnterpriseChangeRequestsService {
  constructor(
    private readonly repo: EnterpriseChangeRequestsRepository,
    private readonly enterprises: EnterprisesService,
    private readonly scope: ScopeService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Scoped like the enterprise list; an enterprise sees its own. */
  async list(actor: Actor, q: ChangeRequestQueryDto): Promise<Page<EnterpriseChangeRequest>> {
    const { where, params } = listWhere((p) => this.scope.wherePositional(actor, 'e', p), { 'c.status': q.status, 'c.enterprise_id': q.enterpriseId });
    return this.repo.list(where, params, q);
  }

  async get(actor: Actor, id: string): Promise<EnterpriseChangeRequest> {
    return toChangeRequest(await this.load(actor, id, 'read'));
  }

  async approve(actor: Actor, id: string): Promise<EnterpriseChangeRequest> {
    const req = await this.load(actor, id, 'write');
    if (req.status !== 'pending') throw AppException.conflict('该变更申请已处理');
    // A move must land inside the approver's own scope, as their own edit would (read before the transaction).
    const region = req.changes.regionCode ? await this.enterprises.movableTo(actor, req.changes.regionCode) : null;
    await this.unitOfWork.run(actor, 'enterprise.change_request.approve', async (m, tx) => {
      const decided = await this.repo.decide(m, id, { status: 'approved', by: actor.userId || null, at: this.clock.now(), reason: null });
      if (!decided) throw AppException.conflict('该变更申请已处理');
      const current = await this.enterprises.lockForEdit(m, req.enterprise_id);
      const { aboveSize, sizeClass, awards } = req.changes;
      await this.enterprises.applyEdit(m, tx, current, { aboveSize, sizeClass, awards, region }, 'enterprise.update', { changeRequestId: id });
      await tx.audit({ objectType: 'enterprise_change_request', objectId: id, details: { enterpriseId: req.enterprise_id, fields: Object.keys(req.changes) } });
    });
    return this.get(actor, id);
  }

  async reject(actor: Actor, id: string, reason: string): Promise<EnterpriseChangeRequest> {
    const why = reason.trim();
    if (!why) throw AppException.validation([{ field: 'reason', code: 'required', message: '请填写不予通过的理由' }]);
    const req = await this.load(actor, id, 'write');
    if (req.status !== 'pending') throw AppException.conflict('该变更申请已处理');
    await this.unitOfWork.run(actor, 'enterprise.change_request.reject', async (m, tx) => {
      const decided = await this.repo.decide(m, id, { status: 'rejected', by: actor.userId || null, at: this.clock.now(), reason: why });
      if (!decided) throw AppException.conflict('该变更申请已处理');
      await tx.audit({ objectType: 'enterprise_change_request', objectId: id, details: { enterpriseId: req.enterprise_id, reason: why } });
    });
    return this.get(actor, id);
  }

  private async load(actor: Actor, id: string, access: 'read' | 'write'): Promise<ChangeRequestRow> {
    const row = await this.repo.find(id);
    if (!row) throw AppException.notFound('变更申请');
    await this.scope.assert(actor, { type: 'enterprise_change_request', id, regionPath: row.region_path, enterpriseId: row.enterprise_id }, access, '变更申请');
    return row;
  }
}

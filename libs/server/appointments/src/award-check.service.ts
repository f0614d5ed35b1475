import { Injectable } from '@nestjs/common';
import type { AwardCheckItem, AwardCheckResponse } from '@cqo/contracts';
import { isDisqualifying, validateCreditCode } from '@cqo/policy';
import { AuditService } from '@cqo/server-audit';
import { ScopeService } from '@cqo/server-auth';
import { AppException, Clock, type Actor } from '@cqo/server-common';
import { AppointmentsRepository, EligibilityService, ProfilesService } from '@cqo/server-eligibility';
import { EnterpriseFactsRepository } from './enterprise-facts.repository';

/**
 * 004 四(四): 将建立首席质量官制度作为企业申报各级政府质量奖……的必要条件. An officer enters a
 * credit code and gets yes or no with the reasons.
 */
@Injectable()
export class AwardCheckService {
  constructor(
    private readonly enterprises: EnterpriseFactsRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly eligibility: EligibilityService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
  ) {}

  async check(actor: Actor, rawCode: string): Promise<AwardCheckResponse> {
    const code = rawCode.trim().toUpperCase();
    const check = validateCreditCode(code);
    if (!check.valid) throw AppException.validation(check.errors.map((x) => ({ field: 'creditCode', code: 'creditCode', message: x.message })));
    const e = await this.enterprises.byCreditCode(code);
    if (!e) throw AppException.notFound('企业');
    await this.scope.assert(actor, { type: 'enterprise', id: e.id, regionPath: e.region_path, enterpriseId: e.id }, 'read', '企业');

    const asOf = this.clock.today();
    const profile = await this.profiles.profileAt(asOf);
    const a = await this.appointments.inPostOf(this.appointments.manager, e.id, asOf);
    const verdict = a ? await this.eligibility.verdictOf(a.id, asOf, profile) : null;
    const open = await this.enterprises.openViolations(e.id, a?.person_id ?? null);
    const openDisqualifying = open.filter((v) => isDisqualifying(profile, v.type, v.accident_level));
    const checks: AwardCheckItem[] = [
      {
        item: '已建立首席质量官制度（有在任首席质量官）',
        ok: !!a,
        detail: a ? `${a.name}，${a.appointed_on} 聘任${a.term_end ? `，任期至 ${a.term_end}` : ''}` : '没有在任的首席质量官聘任备案',
      },
      {
        item: `首席质量官符合任职条件（${verdict?.profile ?? profile.name}）`,
        ok: !!verdict && verdict.verdict !== 'ineligible',
        detail: !verdict
          ? '无在任首席质量官，无法评估'
          : verdict.verdict === 'eligible'
            ? '符合全部任职条件'
            : `${verdict.verdict === 'attention' ? '需关注' : '不符合'}：${verdict.rules.filter((r) => !r.pass).map((r) => `${r.title}（${r.clause}）`).join('；')}`,
      },
      {
        item: '无未结的取消任职资格类违规',
        ok: openDisqualifying.length === 0,
        detail: openDisqualifying.length ? openDisqualifying.map((v) => `${v.occurred_on} ${v.type}（${v.source_document}）`).join('；') : '无',
      },
    ];
    const result: AwardCheckResponse = {
      creditCode: code,
      enterpriseId: e.id,
      enterpriseName: e.name,
      regionName: e.region_name,
      asOf,
      qualified: checks.every((c) => c.ok),
      clause: '004 四(四)',
      checks,
      verdict,
    };
    await this.audit.record({ actor, ip: actor.ip, action: 'award.check', objectType: 'enterprise', objectId: e.id, result: 'success', details: { qualified: result.qualified } });
    return result;
  }
}

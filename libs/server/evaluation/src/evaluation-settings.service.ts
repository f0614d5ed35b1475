import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVALUATION_SCHEMES, type EvaluationScheme, type EvaluationSettings, type GradeBandView, type SchemeView, type UpdateEvaluationSettingsRequest } from '@cqo/contracts';
import { SCORING_SCHEMES, validateBands, withBands, type ScoringScheme } from '@cqo/policy';
import { AppException, type Actor } from '@cqo/server-common';
import { AppSettingsRepository } from '@cqo/server-database';
import { UnitOfWork } from '@cqo/server-queue';
import { RegionsService } from '@cqo/server-regions';

const KEY = 'evaluation';

/** Evaluation settings (SPEC §6): certificate validity, the issuing body's name, zhejiang's grade bands. */
@Injectable()
export class EvaluationSettingsService {
  constructor(
    private readonly store: AppSettingsRepository,
    private readonly regions: RegionsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async get(m?: EntityManager): Promise<EvaluationSettings> {
    const stored = (await this.store.get<Partial<EvaluationSettings>>(KEY, m)) ?? {};
    const province = await this.regions.province(m);
    return {
      validityYears: stored.validityYears ?? 3,
      issuingBody: stored.issuingBody ?? `${province.name}首席质量官能力评价中心`,
      zhejiangBands: stored.zhejiangBands ?? SCORING_SCHEMES.zhejiang.bands.map((b) => ({ ...b })),
    };
  }

  /** The scheme with the bands in force. */
  async scheme(name: EvaluationScheme, m?: EntityManager): Promise<ScoringScheme> {
    if (name === 'hunan') return SCORING_SCHEMES.hunan;
    return withBands(SCORING_SCHEMES.zhejiang, (await this.get(m)).zhejiangBands);
  }

  /** Both schemes with the bands in force, for the scoring forms. */
  async schemes(): Promise<SchemeView[]> {
    const out: SchemeView[] = [];
    for (const name of EVALUATION_SCHEMES) {
      const s = await this.scheme(name);
      out.push({ name: s.name, title: s.title, clause: s.clause, total: s.total, passTotal: s.passTotal, bands: s.bands, dimensions: s.dimensions });
    }
    return out;
  }

  async update(actor: Actor, dto: UpdateEvaluationSettingsRequest): Promise<EvaluationSettings> {
    const current = await this.get();
    const next: EvaluationSettings = {
      validityYears: dto.validityYears ?? current.validityYears,
      issuingBody: dto.issuingBody?.trim() || current.issuingBody,
      zhejiangBands: (dto.zhejiangBands as GradeBandView[] | undefined) ?? current.zhejiangBands,
    };
    const errors = validateBands(next.zhejiangBands, SCORING_SCHEMES.zhejiang.passTotal);
    if (errors.length) throw AppException.validation(errors.map((message) => ({ field: 'zhejiangBands', code: 'invalid', message })));
    await this.unitOfWork.run(actor, 'evaluation.settings', async (m, tx) => {
      await this.store.put(m, KEY, next);
      await tx.audit({ objectType: 'app_setting', objectId: KEY, details: { from: current, to: next } });
    });
    return next;
  }
}

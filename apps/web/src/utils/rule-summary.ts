import { useI18n } from 'vue-i18n';
import type { QualificationOption, RuleDefinition } from '@cqo/contracts';
import { useCqoLabels } from './cqo-labels';

/** One line saying what a rule asks for, in the user's language, for the policy catalogue. */
export function useRuleSummary() {
  const { t } = useI18n();
  const labels = useCqoLabels();

  function option(o: QualificationOption): string {
    switch (o.kind) {
      case 'quality-certificate':
        return t('policy.summary.qualityCertificate', { level: labels.qualificationLevel(o.minLevel) });
      case 'title': {
        const base = t(o.qualityRelated ? 'policy.summary.titleRelated' : 'policy.summary.title', {
          level: labels.qualificationLevel(o.minLevel),
        });
        return o.countQualityCertificate ? `${base}${t('policy.summary.certificateCounts')}` : base;
      }
      case 'equivalent-experience':
        return t('policy.summary.equivalentExperience');
      default: {
        const unhandled: never = o;
        return String(unhandled);
      }
    }
  }

  function summary(rule: RuleDefinition): string {
    switch (rule.kind) {
      case 'education':
        return t('policy.summary.education', { min: labels.education(rule.min) });
      case 'qualification':
        return rule.anyOf.map(option).join(t('policy.summary.or'));
      case 'experience':
        return t('policy.summary.experience', { years: rule.minYears });
      case 'initial-training':
        if (rule.evidence === 'hours') return t('policy.summary.trainingHours', { hours: rule.minHours ?? 0 });
        return t(`policy.evidence.${rule.evidence === 'certificate' ? 'certificate' : 'certificateOrLetter'}`);
      case 'annual-training': {
        const parts: string[] = [];
        if (rule.minFirstCategory !== null) parts.push(t('policy.summary.firstCategory', { hours: rule.minFirstCategory }));
        if (rule.minSecondCategory !== null) parts.push(t('policy.summary.secondCategory', { hours: rule.minSecondCategory }));
        if (rule.minTotal !== null) parts.push(t('policy.summary.totalHours', { hours: rule.minTotal }));
        if (rule.minActivities !== null) parts.push(t('policy.summary.activities', { count: rule.minActivities }));
        return parts.join('；');
      }
      case 'position':
        return t('policy.summary.position', {
          levels: rule.levels.map((level) => labels.positionLevel(level)).join('、'),
          sme: labels.severity(rule.smeSeverity),
        });
      case 'term':
        return t('policy.summary.term', { years: rule.years });
      case 'declaration':
        return rule.statement;
      case 'disqualification': {
        const types = rule.violationTypes.map((type) => labels.violationType(type)).join('、');
        return rule.minAccidentLevel
          ? t('policy.summary.disqualificationLevel', { types, level: labels.accidentLevel(rule.minAccidentLevel) })
          : types;
      }
      default: {
        const unhandled: never = rule;
        return String(unhandled);
      }
    }
  }

  return { summary };
}

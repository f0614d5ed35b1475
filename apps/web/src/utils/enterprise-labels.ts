import { useI18n } from 'vue-i18n';
import type { AwardType, OwnershipType, SizeClass } from '@cqo/contracts';

// The API's values are Chinese words; these maps give each one an i18n key so English works too.
// Typed as full Records so a value added to the contracts fails to compile until it has a label.
const SIZE_CLASS_KEYS: Record<SizeClass, string> = {
  大型: 'large',
  中型: 'medium',
  小型: 'small',
  微型: 'micro',
};

const OWNERSHIP_KEYS: Record<OwnershipType, string> = {
  国有: 'state',
  民营: 'private',
  外资: 'foreign',
  其他: 'other',
};

const AWARD_KEYS: Record<AwardType, string> = {
  中国质量奖: 'chinaQuality',
  中国质量奖提名奖: 'chinaQualityNominee',
  长江质量奖: 'changjiangQuality',
  长江质量奖提名奖: 'changjiangQualityNominee',
  市州政府质量奖: 'cityGovernmentQuality',
};

export function useEnterpriseLabels() {
  const { t, te } = useI18n();
  const notSet = () => t('common.notSet');

  return {
    sizeClass: (value: SizeClass | null): string =>
      value ? t(`enterprises.sizeClass.${SIZE_CLASS_KEYS[value]}`) : notSet(),
    ownership: (value: OwnershipType | null): string =>
      value ? t(`enterprises.ownership.${OWNERSHIP_KEYS[value]}`) : notSet(),
    award: (value: AwardType): string => (value in AWARD_KEYS ? t(`enterprises.award.${AWARD_KEYS[value]}`) : value),
    /** "C 制造业"; an unknown code is shown as is. */
    industry: (value: string | null): string => {
      if (!value) return notSet();
      const key = `industry.${value}`;
      return te(key) ? `${value} ${t(key)}` : value;
    },
    aboveSize: (value: boolean): string => (value ? t('common.yes') : t('common.no')),
  };
}

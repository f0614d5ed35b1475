import type { FormItemRule } from 'element-plus';
import type { AwardDraft } from './award-draft';
import { ENTERPRISE_LIMITS } from '@cqo/contracts';

// The checks the enterprise's own fields get in both forms that take them: registering an
// enterprise (create-enterprise-dialog) and editing it (enterprise-form). The server checks the
// same again; these say it under the field before the request.

/** An enterprise name's longest length (ENTERPRISE_LIMITS, as the server's DTO). */
export const NAME_MAX_LENGTH = ENTERPRISE_LIMITS.name;

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The name: required, and at most NAME_MAX_LENGTH characters once trimmed. */
export function nameRules(t: Translate): FormItemRule[] {
  return [
    { required: true, whitespace: true, message: t('myEnterprise.form.nameRequired'), trigger: 'blur' },
    {
      validator: (_rule, value: string, callback) =>
        value.trim().length > NAME_MAX_LENGTH ? callback(new Error(t('myEnterprise.form.nameTooLong', { max: NAME_MAX_LENGTH }))) : callback(),
      trigger: ['blur', 'change'],
    },
  ];
}

/** The awards: a row whose award is not chosen yet is incomplete (its year alone says nothing). */
export function awardRules(t: Translate): FormItemRule[] {
  return [
    {
      validator: (_rule, value: AwardDraft[], callback) => (value.some((row) => row.award === '') ? callback(new Error(t('enterprises.create.awardIncomplete'))) : callback()),
      trigger: 'change',
    },
  ];
}

import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { Max } from 'class-validator';
import type { ApiErrorDetail } from '@cqo/contracts';
import { AppException } from './app-exception';

const LABELS = Symbol('cqo:field-labels');

/** The Chinese name of a DTO field, used in validation messages ("企业名称不能为空"). */
export function FieldLabel(label: string): PropertyDecorator {
  return (target, key) => {
    const labels: Record<string, string> = Reflect.getMetadata(LABELS, target) ?? {};
    Reflect.defineMetadata(LABELS, { ...labels, [String(key)]: label }, target);
  };
}

const TEMPLATES: Record<string, (label: string, c: string) => string> = {
  whitelistValidation: (l) => `不允许提交字段“${l}”`,
  isNotEmpty: (l) => `${l}不能为空`,
  isDefined: (l) => `${l}不能为空`,
  isString: (l) => `${l}必须是文本`,
  isBoolean: (l) => `${l}必须是“是”或“否”`,
  isInt: (l) => `${l}必须是整数`,
  isNumber: (l) => `${l}必须是数字`,
  min: (l) => `${l}不能小于允许的最小值`,
  max: (l) => `${l}不能大于允许的最大值`,
  maxLength: (l) => `${l}超过最大长度`,
  minLength: (l) => `${l}长度不足`,
  isIn: (l) => `${l}的取值不在允许范围内`,
  isEnum: (l) => `${l}的取值不在允许范围内`,
  matches: (l) => `${l}格式不正确`,
  isDateString: (l) => `${l}必须是YYYY-MM-DD格式的日期`,
  isUUID: (l) => `${l}格式不正确`,
};

function flatten(errors: ValidationError[], parent = ''): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const labels: Record<string, string> = (e.target && Reflect.getMetadata(LABELS, e.target)) ?? {};
    const label = labels[e.property] ?? e.property;
    for (const [code, raw] of Object.entries(e.constraints ?? {})) {
      // A message written on the decorator in Chinese wins; class-validator's English default does not.
      const custom = /[\u4e00-\u9fa5]/.test(raw) ? raw : null;
      const message = custom ?? TEMPLATES[code]?.(label, raw) ?? `${label}不符合要求`;
      out.push({ field, code, message });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The target carries the field labels; the value is never echoed back.
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => AppException.validation(flatten(errors)),
  });
}

/** The largest value of a PostgreSQL `integer` column, which every row `version` is. */
export const PG_INT_MAX = 2_147_483_647;

/**
 * A row version's upper bound: `1e21` passes `@IsInt()` (it is an integer to JavaScript) but not
 * PostgreSQL's `integer`, and answered 500 (found by the write fuzz). Every `version` field has it.
 */
export function MaxVersion(): PropertyDecorator {
  return Max(PG_INT_MAX, { message: '版本不正确，请刷新后重试' });
}

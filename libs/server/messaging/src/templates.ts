/**
 * The Chinese text of every e-mail and SMS, one template per event (issue 22). A template gets the
 * notification's own title and body plus named parameters, and an absolute link (PUBLIC_BASE_URL).
 * SMS text is short and carries the link; the e-mail has a subject and a few lines.
 */
export const MESSAGE_TEMPLATES = [
  'chase',
  'deadline',
  'returned',
  'accepted',
  'term-ending',
  'certificate-suspended',
  'certificate-revoked',
  'certificate-expired',
  'training-shortfall',
  'generic',
] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

export interface TemplateInput {
  /** The notification's title and body (already Chinese). */
  title: string;
  body: string;
  /** Absolute URL, or null. */
  url: string | null;
  enterpriseName: string | null;
  params: Record<string, string | number>;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  sms: string;
}

const SIGN = '【企业首席质量官监管平台】';

function p(input: TemplateInput, key: string, fallback = ''): string {
  const v = input.params[key];
  return v === undefined || v === null ? fallback : String(v);
}

function lines(...xs: (string | null | false | undefined)[]): string {
  return xs.filter(Boolean).join('\n');
}

const who = (i: TemplateInput) => (i.enterpriseName ? `${i.enterpriseName}：` : '您好：');
const holder = (i: TemplateInput) => (p(i, 'person') ? `首席质量官 ${p(i, 'person')} 的` : '');
const link = (i: TemplateInput) => (i.url ? `办理入口：${i.url}` : null);

const RENDER: Record<MessageTemplate, (i: TemplateInput) => RenderedMessage> = {
  chase: (i) => ({
    subject: `催报：请尽快报送 ${p(i, 'year')} 年度报告`,
    text: lines(who(i), `主管部门提醒您报送 ${p(i, 'year')} 年度企业首席质量官制度落实情况报告，截止日期 ${p(i, 'deadline')}。`, link(i), '', SIGN),
    sms: `${SIGN}${i.enterpriseName ?? ''}：请尽快报送 ${p(i, 'year')} 年度企业首席质量官制度落实情况报告，截止日期 ${p(i, 'deadline')}。${i.url ?? ''}`,
  }),
  deadline: (i) => ({
    subject: i.title,
    text: lines(who(i), i.body, link(i), '', SIGN),
    sms: `${SIGN}${i.title}。${i.body}${i.url ?? ''}`,
  }),
  returned: (i) => ({
    subject: i.title,
    text: lines(who(i), `您提交的年度报告已被主管部门退回，请修改后重新提交。`, i.body, link(i), '', SIGN),
    sms: `${SIGN}${i.enterpriseName ?? ''}：您提交的年度报告已被退回（${i.body}），请修改后重新提交。${i.url ?? ''}`,
  }),
  accepted: (i) => ({
    subject: i.title,
    text: lines(who(i), `您提交的年度报告已被主管部门受理。`, i.body !== '您提交的年度报告已被受理。' && i.body, link(i), '', SIGN),
    sms: `${SIGN}${i.enterpriseName ?? ''}：您提交的年度报告已受理。${i.url ?? ''}`,
  }),
  'term-ending': (i) => ({
    subject: `首席质量官任期将于 ${p(i, 'days')} 天后届满`,
    text: lines(who(i), `贵单位首席质量官 ${p(i, 'person')} 的任期将于 ${p(i, 'termEnd')}（${p(i, 'days')} 天后）届满，请及时办理续任或变更备案。`, link(i), '', SIGN),
    sms: `${SIGN}${i.enterpriseName ?? ''}：首席质量官任期将于 ${p(i, 'termEnd')} 届满（${p(i, 'days')} 天后），请及时办理续任或变更备案。${i.url ?? ''}`,
  }),
  // `person`: the holder's masked name; `reason`: the status change's own reason (the violation, the officer's words).
  'certificate-suspended': (i) => ({
    subject: `首席质量官证书已暂停`,
    text: lines(who(i), `${holder(i)}证书 ${p(i, 'certificateNo')} 已暂停使用。${p(i, 'reason')}`, link(i), '', SIGN),
    sms: `${SIGN}${holder(i)}证书 ${p(i, 'certificateNo')} 已暂停使用。${i.url ?? ''}`,
  }),
  'certificate-revoked': (i) => ({
    subject: `首席质量官证书已作废`,
    text: lines(who(i), `${holder(i)}证书 ${p(i, 'certificateNo')} 已由认定主体声明作废。${p(i, 'reason')}`, link(i), '', SIGN),
    sms: `${SIGN}${holder(i)}证书 ${p(i, 'certificateNo')} 已声明作废。${i.url ?? ''}`,
  }),
  'certificate-expired': (i) => ({
    subject: `首席质量官证书已过期`,
    text: lines(who(i), `证书 ${p(i, 'certificateNo')} 已于 ${p(i, 'validUntil')} 过期，请按规定重新评价。`, link(i), '', SIGN),
    sms: `${SIGN}证书 ${p(i, 'certificateNo')} 已于 ${p(i, 'validUntil')} 过期。${i.url ?? ''}`,
  }),
  // `short`: what is missing (e.g. 「6 学时、1 次组织培训活动」); `clause`: the rule of the profile in force.
  'training-shortfall': (i) => ({
    subject: `${p(i, 'year')} 年度首席质量官培训尚未达标`,
    text: lines(who(i), `首席质量官 ${p(i, 'person')} ${p(i, 'year')} 年度培训还差 ${p(i, 'short')}（${p(i, 'clause')}），请在 12 月 31 日前完成。`, link(i), '', SIGN),
    sms: `${SIGN}首席质量官 ${p(i, 'person')} ${p(i, 'year')} 年度培训还差 ${p(i, 'short')}，请在年底前完成。${i.url ?? ''}`,
  }),
  generic: (i) => ({
    subject: i.title,
    text: lines(who(i), i.body, link(i), '', SIGN),
    sms: `${SIGN}${i.title}。${i.body}${i.url ?? ''}`,
  }),
};

export function renderMessage(template: MessageTemplate, input: TemplateInput): RenderedMessage {
  return RENDER[template](input);
}

/** The absolute link of a dashboard route. */
export function absoluteLink(base: string, link: string | null): string | null {
  if (!link) return null;
  if (/^https?:\/\//i.test(link)) return link;
  return `${base.replace(/\/+$/, '')}${link.startsWith('/') ? '' : '/'}${link}`;
}

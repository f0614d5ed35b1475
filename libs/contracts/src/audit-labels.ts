import { isUuid } from './ids';

/**
 * Names for the audit log's action codes and object types (issue 20 item 6): an officer reads
 * 登录 / 聘任备案 rather than `auth.login` / `appointment.file` (等保 2.0 8.1.4.3 安全审计: the
 * records must be usable). The codes are the ones the server writes; audit-labels.spec.ts scans
 * libs/server and apps for `action: '…'` and fails on a code without a name here.
 */
export type AuditLocale = 'zh-CN' | 'en';
type Label = Record<AuditLocale, string>;

/** The evaluation workflow steps, audited as `evaluation.<step>` (libs/policy EVALUATION_STEPS). */
const EVALUATION_STEP_LABELS: Record<string, Label> = {
  resubmit: { 'zh-CN': '能力评价：重新提交申请', en: 'Evaluation: resubmit application' },
  withdraw: { 'zh-CN': '能力评价：撤回申请', en: 'Evaluation: withdraw application' },
  evidence: { 'zh-CN': '能力评价：上传证实性材料', en: 'Evaluation: upload evidence' },
  accept: { 'zh-CN': '能力评价：受理', en: 'Evaluation: accept' },
  return: { 'zh-CN': '能力评价：退回补正', en: 'Evaluation: return for correction' },
  panel: { 'zh-CN': '能力评价：组建评价组', en: 'Evaluation: appoint panel' },
  sheet: { 'zh-CN': '能力评价：提交评分表', en: 'Evaluation: submit score sheet' },
  interview: { 'zh-CN': '能力评价：记录面试答辩', en: 'Evaluation: record interview' },
  site_visit: { 'zh-CN': '能力评价：记录现场验证', en: 'Evaluation: record site visit' },
  report: { 'zh-CN': '能力评价：出具认定报告', en: 'Evaluation: issue report' },
  certificate: { 'zh-CN': '能力评价：颁发证书', en: 'Evaluation: issue certificate' },
};

export const AUDIT_ACTION_LABELS: Record<string, Label> = {
  'auth.login': { 'zh-CN': '登录', en: 'Sign in' },
  'auth.logout': { 'zh-CN': '退出登录', en: 'Sign out' },
  'auth.password-change': { 'zh-CN': '修改密码', en: 'Change password' },
  'auth.idle-timeout': { 'zh-CN': '会话空闲超时', en: 'Session idle timeout' },
  'auth.session-expired': { 'zh-CN': '会话过期', en: 'Session expired' },
  'auth.refresh-reuse': { 'zh-CN': '刷新令牌重复使用（会话已终止）', en: 'Refresh token reused (session ended)' },
  'access.read': { 'zh-CN': '越权查看（已拒绝）', en: 'Read outside scope (denied)' },
  'access.write': { 'zh-CN': '越权修改（已拒绝）', en: 'Write outside scope (denied)' },
  'access.route': { 'zh-CN': '越权访问接口（已拒绝）', en: 'Route not allowed (denied)' },
  'user.create': { 'zh-CN': '新建用户', en: 'Create user' },
  'user.password-reset': { 'zh-CN': '重置用户密码', en: 'Reset user password' },
  'user.update': { 'zh-CN': '修改用户', en: 'Update user' },
  'user.disable': { 'zh-CN': '停用用户', en: 'Disable user' },
  'user.enable': { 'zh-CN': '启用用户', en: 'Enable user' },
  'user.unlock': { 'zh-CN': '解除用户锁定', en: 'Unlock user' },
  'appointment.file': { 'zh-CN': '聘任备案', en: 'File appointment' },
  'appointment.change': { 'zh-CN': '变更备案', en: 'File change' },
  'appointment.dismiss': { 'zh-CN': '解聘备案', en: 'File dismissal' },
  'appointment.expire': { 'zh-CN': '任期届满', en: 'Term ended' },
  'appointment.read': { 'zh-CN': '查看首席质量官信息', en: 'View CQO details' },
  'enterprise.create': { 'zh-CN': '新建企业', en: 'Create enterprise' },
  'enterprise.update': { 'zh-CN': '修改企业信息', en: 'Update enterprise' },
  'enterprise.close': { 'zh-CN': '注销企业', en: 'Close enterprise' },
  'enterprise.reopen': { 'zh-CN': '恢复企业', en: 'Reopen enterprise' },
  'enterprise.change_request.file': { 'zh-CN': '提交企业信息变更申请', en: 'File enterprise change request' },
  'enterprise.change_request.approve': { 'zh-CN': '通过企业信息变更申请', en: 'Approve enterprise change request' },
  'enterprise.change_request.reject': { 'zh-CN': '驳回企业信息变更申请', en: 'Reject enterprise change request' },
  'violation.record': { 'zh-CN': '登记违规', en: 'Record violation' },
  'violation.status': { 'zh-CN': '变更违规处理状态', en: 'Change violation status' },
  'violation.void': { 'zh-CN': '作废违规记录', en: 'Void violation' },
  'annual_report.submit': { 'zh-CN': '提交年度报告', en: 'Submit annual report' },
  'annual_report.remind': { 'zh-CN': '催报年度报告', en: 'Remind of annual report' },
  'reminders.daily': { 'zh-CN': '每日催报', en: 'Daily filing reminders' },
  'eligibility.nightly': { 'zh-CN': '每日任职资格复核（任期届满）', en: 'Nightly eligibility run (terms ended)' },
  'eligibility.refresh': { 'zh-CN': '任职资格重新判定', en: 'Eligibility judged again' },
  'reminders.lifecycle': { 'zh-CN': '任期与证书到期提醒', en: 'Term and certificate reminders' },
  'annual_report.save': { 'zh-CN': '保存年度报告', en: 'Save annual report' },
  'annual_report.accept': { 'zh-CN': '审核通过年度报告', en: 'Accept annual report' },
  'city_report.save': { 'zh-CN': '保存地市报告', en: 'Save city report' },
  'city_report.submit': { 'zh-CN': '提交地市报告', en: 'Submit city report' },
  'import.request': { 'zh-CN': '提交导入', en: 'Request import' },
  'city_report.attachment.download': { 'zh-CN': '下载地市报告附件', en: 'Download city report attachment' },
  'filing_settings.update': { 'zh-CN': '修改报送设置', en: 'Update filing settings' },
  'roster.import': { 'zh-CN': '导入花名册', en: 'Import roster' },
  'roster.import.replace': { 'zh-CN': '花名册导入：更换人员', en: 'Roster import: replace person' },
  'roster.import.update': { 'zh-CN': '花名册导入：更新人员', en: 'Roster import: update person' },
  'training.record': { 'zh-CN': '登记培训学时', en: 'Record training hours' },
  'training.reverse': { 'zh-CN': '冲销培训学时', en: 'Reverse training hours' },
  'training.import': { 'zh-CN': '导入培训学时', en: 'Import training hours' },
  'training.certificate.issue': { 'zh-CN': '出具学时证明', en: 'Issue hours certificate' },
  'training.certificate.read': { 'zh-CN': '查看学时证明', en: 'View hours certificate' },
  'training.certificate.verify': { 'zh-CN': '公开核验学时证明', en: 'Verify hours certificate (public)' },
  'training.ledger.verify': { 'zh-CN': '校验学时台账', en: 'Verify training ledger' },
  'policy.use': { 'zh-CN': '启用政策版本', en: 'Put policy version in use' },
  'policy.version.create': { 'zh-CN': '新建政策版本', en: 'Create policy version' },
  'evaluation.apply': { 'zh-CN': '能力评价：提交申请', en: 'Evaluation: apply' },
  'evaluation.settings': { 'zh-CN': '修改能力评价设置', en: 'Update evaluation settings' },
  'evaluation.evidence.download': { 'zh-CN': '下载证实性材料', en: 'Download evidence' },
  'evaluation.talent.add': { 'zh-CN': '纳入人才库', en: 'Add to talent pool' },
  'evaluation.talent.remove': { 'zh-CN': '移出人才库', en: 'Remove from talent pool' },
  'evaluation.certificate.issue': { 'zh-CN': '颁发能力评价证书', en: 'Issue evaluation certificate' },
  'evaluation.certificate.auto': { 'zh-CN': '自动颁发能力评价证书', en: 'Issue evaluation certificate automatically' },
  'evaluation.certificate.expire': { 'zh-CN': '能力评价证书到期', en: 'Evaluation certificate expired' },
  'evaluation.certificate.flag': { 'zh-CN': '标记能力评价证书', en: 'Flag evaluation certificate' },
  'evaluation.certificate.flag_clear': { 'zh-CN': '解除证书标记', en: 'Clear certificate flag' },
  'evaluation.certificate.lift': { 'zh-CN': '解除证书暂停', en: 'Lift certificate suspension' },
  'evaluation.certificate.read': { 'zh-CN': '查看能力评价证书', en: 'View evaluation certificate' },
  'evaluation.certificate.review': { 'zh-CN': '复核能力评价证书', en: 'Review evaluation certificate' },
  'evaluation.certificate.status': { 'zh-CN': '变更证书状态', en: 'Change certificate status' },
  'evaluation.certificate.revocation_pending': { 'zh-CN': '证书待撤销', en: 'Certificate revocation pending' },
  'evaluation.certificate.revoke_confirm': { 'zh-CN': '确认撤销证书', en: 'Confirm certificate revocation' },
  'evaluation.certificate.revoke_dismiss': { 'zh-CN': '不予撤销证书', en: 'Dismiss certificate revocation' },
  'award.check': { 'zh-CN': '评奖资格核查', en: 'Award eligibility check' },
  'export.request': { 'zh-CN': '申请导出', en: 'Request export' },
  'export.download': { 'zh-CN': '下载导出文件', en: 'Download export' },
  'export.attachment': { 'zh-CN': '导出附件', en: 'Export attachments' },
  'message.send': { 'zh-CN': '发送消息', en: 'Send message' },
  'message.not-sent': { 'zh-CN': '消息未发送', en: 'Message not sent' },
  'message.preferences': { 'zh-CN': '修改消息订阅设置', en: 'Update message preferences' },
  'stats.rebuild': { 'zh-CN': '重建统计数据', en: 'Rebuild statistics' },
  'stats.settings': { 'zh-CN': '修改统计设置', en: 'Update statistics settings' },
  ...Object.fromEntries(Object.entries(EVALUATION_STEP_LABELS).map(([step, label]) => [`evaluation.${step}`, label])),
};

export const AUDIT_OBJECT_LABELS: Record<string, Label> = {
  annual_report: { 'zh-CN': '年度报告', en: 'Annual report' },
  app_setting: { 'zh-CN': '系统设置', en: 'Setting' },
  appointment: { 'zh-CN': '聘任备案', en: 'Appointment' },
  city_report: { 'zh-CN': '地市报告', en: 'City report' },
  enterprise: { 'zh-CN': '企业', en: 'Enterprise' },
  enterprise_change_request: { 'zh-CN': '企业信息变更申请', en: 'Enterprise change request' },
  evaluation_application: { 'zh-CN': '能力评价申请', en: 'Evaluation application' },
  evaluation_certificate: { 'zh-CN': '能力评价证书', en: 'Evaluation certificate' },
  evaluation_evidence: { 'zh-CN': '证实性材料', en: 'Evidence' },
  evaluation_talent: { 'zh-CN': '人才库', en: 'Talent pool' },
  file_job: { 'zh-CN': '导入导出任务', en: 'File job' },
  filing_setting: { 'zh-CN': '报送设置', en: 'Filing setting' },
  import_run: { 'zh-CN': '导入批次', en: 'Import run' },
  message_delivery: { 'zh-CN': '消息投递', en: 'Message delivery' },
  policy: { 'zh-CN': '政策版本', en: 'Policy version' },
  region: { 'zh-CN': '地区', en: 'Region' },
  route: { 'zh-CN': '接口', en: 'Route' },
  session: { 'zh-CN': '登录会话', en: 'Session' },
  stat_run: { 'zh-CN': '统计任务', en: 'Statistics run' },
  stat_setting: { 'zh-CN': '统计设置', en: 'Statistics setting' },
  training_certificate: { 'zh-CN': '学时证明', en: 'Hours certificate' },
  training_ledger: { 'zh-CN': '学时台账', en: 'Training ledger' },
  training_record: { 'zh-CN': '培训学时记录', en: 'Training record' },
  user: { 'zh-CN': '用户', en: 'User' },
  violation: { 'zh-CN': '违规记录', en: 'Violation' },
};

function localeOf(locale: string): AuditLocale {
  return locale.startsWith('zh') ? 'zh-CN' : 'en';
}

/** The action's name in `locale`; an unknown code is shown as it is rather than hidden. */
export function auditActionLabel(action: string, locale: string): string {
  return AUDIT_ACTION_LABELS[action]?.[localeOf(locale)] ?? action;
}


/**
 * The object as a reader names it: its type's name and, for a UUID, its first 8 hex digits
 * (enough to find it; the full id is in the tooltip), other ids (routes, region codes) as they are.
 */
export function auditObjectLabel(objectType: string | null, objectId: string | null, locale: string): string {
  if (!objectType && !objectId) return '—';
  const type = objectType ? (AUDIT_OBJECT_LABELS[objectType]?.[localeOf(locale)] ?? objectType) : '';
  const id = objectId ? (isUuid(objectId) ? `#${objectId.slice(0, 8)}` : objectId) : '';
  return [type, id].filter(Boolean).join(' ');
}

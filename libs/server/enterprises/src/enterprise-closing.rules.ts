import type { ApiErrorDetail } from '@cqo/contracts';

/**
 * The field-level checks of a closing (issue 17: an enterprise closed — 注销/吊销/迁出 — counts in the
 * figures of the days before its closing date only). `today` is the China date; `cqoFrom` the
 * effective date of the CQO appointment still in force, whose term the closing ends.
 */
export function closingProblems(p: { closedOn: string; today: string; closedSince: string | null; cqoFrom: string | null }): ApiErrorDetail[] {
  if (p.closedSince) return [{ field: 'closedOn', code: 'closed', message: `该企业已于${p.closedSince}注销，请先恢复` }];
  if (p.closedOn > p.today) return [{ field: 'closedOn', code: 'future', message: '注销日期不能晚于今天' }];
  // The appointment ends on the closing date: it cannot end before it took effect.
  if (p.cqoFrom && p.closedOn <= p.cqoFrom) {
    return [{ field: 'closedOn', code: 'beforeAppointment', message: `注销日期应晚于现任首席质量官的聘任生效日期（${p.cqoFrom}）` }];
  }
  return [];
}

/** The checks of a reopening: after the closing date, not in the future, only when closed. */
export function reopeningProblems(p: { reopenedOn: string; today: string; closedSince: string | null }): ApiErrorDetail[] {
  if (!p.closedSince) return [{ field: 'reopenedOn', code: 'open', message: '该企业未注销，无需恢复' }];
  if (p.reopenedOn > p.today) return [{ field: 'reopenedOn', code: 'future', message: '恢复日期不能晚于今天' }];
  if (p.reopenedOn <= p.closedSince) return [{ field: 'reopenedOn', code: 'beforeClosing', message: `恢复日期应晚于注销日期（${p.closedSince}）` }];
  return [];
}

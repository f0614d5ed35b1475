import type { EvaluationAction, EvaluationStatus } from '@cqo/contracts';

// The evaluation workflow (000 §7, 001 §9, docs/evaluation.md) as one table: each step, the states
// it may start from, who takes it and the action the API offers for it. The API's guard (a step
// from another state is a 409) and the actions it lists on an application (the buttons the
// dashboard shows) are both read from this table, so they cannot disagree.

/** Who may take a step: the applying enterprise, any evaluator of the body, a panel member, the panel leader. */
export type EvaluationActor = 'enterprise' | 'evaluator' | 'member' | 'leader';

export interface EvaluationStepRule {
  /** The step's name in a 409 message and the event log. */
  name: string;
  from: readonly EvaluationStatus[];
  by: EvaluationActor;
  action: EvaluationAction;
}

export const EVALUATION_STEPS = {
  resubmit: { name: '重新提交申请', from: ['returned'], by: 'enterprise', action: 'resubmit' },
  withdraw: { name: '撤回申请', from: ['submitted', 'returned'], by: 'enterprise', action: 'withdraw' },
  evidence: { name: '上传证实性材料', from: ['submitted', 'returned'], by: 'enterprise', action: 'uploadEvidence' },
  accept: { name: '受理', from: ['submitted'], by: 'evaluator', action: 'accept' },
  return: { name: '退回补正', from: ['submitted'], by: 'evaluator', action: 'return' },
  // 001 9.3: the panel is appointed on acceptance and may be re-appointed until a sheet is in.
  panel: { name: '组建评价组', from: ['accepted', 'scoring'], by: 'evaluator', action: 'appointPanel' },
  sheet: { name: '提交评分表', from: ['scoring'], by: 'member', action: 'score' },
  interview: { name: '记录面试答辩', from: ['scoring'], by: 'member', action: 'interview' },
  site_visit: { name: '记录现场验证', from: ['scoring'], by: 'member', action: 'siteVisit' },
  // 001 9.3.3: the leader's consolidated sheet is the report.
  report: { name: '出具认定报告', from: ['scoring'], by: 'leader', action: 'consolidate' },
  // 000 7.5.2: a certificate is issued from a report that reached a grade.
  certificate: { name: '颁发证书', from: ['reported'], by: 'evaluator', action: 'issueCertificate' },
} as const satisfies Record<string, EvaluationStepRule>;

export type EvaluationStep = keyof typeof EVALUATION_STEPS;

/** What the caller is to this application, and what the guards beyond the state need to know. */
export interface EvaluationActionContext {
  status: EvaluationStatus;
  /** The applying enterprise's own account. */
  ownEnterprise: boolean;
  /** An evaluator of the body the application was made to. */
  bodyEvaluator: boolean;
  /** The caller's seat on the panel, null when none. */
  panelSeat: { leader: boolean } | null;
  /** A panel sheet is in: the panel can no longer be re-appointed. */
  sheetsIn: boolean;
  /** The report reached a grade: a certificate can be issued. */
  graded: boolean;
}

function mayAct(by: EvaluationActor, c: EvaluationActionContext): boolean {
  switch (by) {
    case 'enterprise':
      return c.ownEnterprise;
    case 'evaluator':
      return c.bodyEvaluator;
    case 'member':
      return c.bodyEvaluator && c.panelSeat !== null;
    case 'leader':
      return c.bodyEvaluator && c.panelSeat?.leader === true;
  }
}

/** Guards of a step beyond its states, its actor and the caller (the service checks them again in the step). */
function stepOpen(step: EvaluationStep, c: EvaluationActionContext): boolean {
  if (step === 'panel') return c.status === 'accepted' || !c.sheetsIn;
  if (step === 'certificate') return c.graded;
  return true;
}

/** May a step start from `status`? (the API's 409 guard) */
export function stepAllowedFrom(step: EvaluationStep, status: EvaluationStatus): boolean {
  return (EVALUATION_STEPS[step].from as readonly EvaluationStatus[]).includes(status);
}

/** The actions offered to the caller on an application, in the table's order. */
export function evaluationActions(c: EvaluationActionContext): EvaluationAction[] {
  return (Object.keys(EVALUATION_STEPS) as EvaluationStep[])
    .filter((step) => stepAllowedFrom(step, c.status) && mayAct(EVALUATION_STEPS[step].by, c) && stepOpen(step, c))
    .map((step) => EVALUATION_STEPS[step].action);
}

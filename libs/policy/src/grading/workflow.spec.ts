import { EVALUATION_STATUSES, type EvaluationStatus } from '@cqo/contracts';
import { EVALUATION_STEPS, evaluationActions, stepAllowedFrom, type EvaluationActionContext, type EvaluationStep } from './workflow';

const STEPS = Object.keys(EVALUATION_STEPS) as EvaluationStep[];
const nobody: Omit<EvaluationActionContext, 'status'> = { ownEnterprise: false, bodyEvaluator: false, panelSeat: null, sheetsIn: false, graded: false };
const enterprise = { ...nobody, ownEnterprise: true };
const evaluator = { ...nobody, bodyEvaluator: true };
const member = { ...evaluator, panelSeat: { leader: false } };
const leader = { ...evaluator, panelSeat: { leader: true }, graded: true };

describe('evaluation workflow (000 §7, 001 §9): the guard and the offered actions are one table', () => {
  it('no action is offered from a state its step refuses (the two views agree for every state and caller)', () => {
    for (const status of EVALUATION_STATUSES) {
      for (const who of [enterprise, evaluator, member, leader, { ...leader, sheetsIn: true }]) {
        for (const action of evaluationActions({ ...who, status })) {
          const step = STEPS.find((s) => EVALUATION_STEPS[s].action === action)!;
          expect([action, status, stepAllowedFrom(step, status)]).toEqual([action, status, true]);
        }
      }
    }
  });

  it('every state a step may start from offers that step to someone', () => {
    for (const step of STEPS) {
      for (const status of EVALUATION_STEPS[step].from) {
        const offered = [enterprise, evaluator, member, leader].some((who) => evaluationActions({ ...who, status }).includes(EVALUATION_STEPS[step].action));
        expect([step, status, offered]).toEqual([step, status, true]);
      }
    }
  });

  it('001 9.3: the panel is appointed once accepted and re-appointed while scoring until a sheet is in', () => {
    expect(evaluationActions({ ...evaluator, status: 'accepted' })).toEqual(['appointPanel']);
    expect(evaluationActions({ ...evaluator, status: 'scoring' })).toEqual(['appointPanel']);
    expect(evaluationActions({ ...evaluator, status: 'scoring', sheetsIn: true })).toEqual([]);
    expect(stepAllowedFrom('panel', 'scoring')).toBe(true);
    expect(stepAllowedFrom('panel', 'reported')).toBe(false);
  });

  it('the applicant resubmits or withdraws a returned application; nobody else sees its buttons', () => {
    expect(evaluationActions({ ...enterprise, status: 'returned' })).toEqual(['resubmit', 'withdraw', 'uploadEvidence']);
    expect(evaluationActions({ ...enterprise, status: 'submitted' })).toEqual(['withdraw', 'uploadEvidence']);
    expect(evaluationActions({ ...nobody, status: 'submitted' })).toEqual([]);
  });

  it('001 9.3.3: members score, interview and visit; only the leader consolidates; 000 7.5.2 a graded report is certified', () => {
    expect(evaluationActions({ ...member, status: 'scoring', sheetsIn: true })).toEqual(['score', 'interview', 'siteVisit']);
    expect(evaluationActions({ ...leader, status: 'scoring', sheetsIn: true })).toEqual(['score', 'interview', 'siteVisit', 'consolidate']);
    expect(evaluationActions({ ...evaluator, status: 'reported', graded: true })).toEqual(['issueCertificate']);
    expect(evaluationActions({ ...evaluator, status: 'reported', graded: false })).toEqual([]);
    const terminal: EvaluationStatus[] = ['certified', 'withdrawn'];
    for (const status of terminal) expect(evaluationActions({ ...leader, status })).toEqual([]);
  });
});

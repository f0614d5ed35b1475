import type { Role } from '@cqo/contracts';

// What each role may do in the dashboard. The API decides; these only hide buttons a role would
// be refused, so a user never fills a form just to read 403.
export type Action =
  | 'enterprise.create'
  | 'enterprise.edit'
  | 'enterprise.editAwards'
  | 'enterprise.reviewChanges'
  | 'enterprise.close'
  | 'appointment.manage'
  | 'violation.record'
  | 'policy.edit'
  | 'policy.whatIf'
  | 'training.record'
  | 'training.reverse'
  | 'training.certificate'
  | 'training.verifyLedger'
  | 'personalData.read';

const ALLOWED: Record<Action, readonly Role[]> = {
  'enterprise.create': ['county', 'city', 'province'],
  'enterprise.edit': ['enterprise', 'county', 'city', 'province'],
  'enterprise.editAwards': ['county', 'city', 'province'],
  'enterprise.reviewChanges': ['county', 'city', 'province'],
  'enterprise.close': ['county', 'city', 'province'],
  'appointment.manage': ['enterprise', 'county', 'city', 'province'],
  'violation.record': ['county', 'city', 'province'],
  'policy.edit': ['province', 'admin'],
  'policy.whatIf': ['province', 'admin'],
  // Officers reverse any record in scope; an enterprise only the records it reported itself.
  'training.record': ['enterprise'],
  'training.reverse': ['enterprise', 'county', 'city', 'province'],
  'training.certificate': ['enterprise', 'county', 'city', 'province'],
  'training.verifyLedger': ['admin'],
  // admin is system administration only and reads no CQO records (SPEC §1, issue 18 item 8).
  'personalData.read': ['enterprise', 'evaluator', 'county', 'city', 'province'],
};

export function can(role: Role | null | undefined, action: Action): boolean {
  return role ? ALLOWED[action].includes(role) : false;
}

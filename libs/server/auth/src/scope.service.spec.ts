import type { AuditService } from '@cqo/server-audit';
import type { Actor } from '@cqo/server-common';
import { ScopeService } from './scope.service';

// allows / where / regionFilter never write: the audit service is only reached by assert().
const scope = new ScopeService(null as unknown as AuditService);

function actor(role: Actor['role'], over: Partial<Actor> = {}): Actor {
  return { userId: 'u', username: 'u', role, sessionId: 's', regionCode: null, regionPath: null, enterpriseId: null, ip: null, ...over };
}

const evaluator = actor('evaluator', { regionCode: '420000' });
const city = actor('city', { regionCode: '420100', regionPath: '/420000/420100/' });
const BODY = { enterpriseIdColumn: 'enterprise_id', bodyColumn: 'body_code' };

describe('ScopeService: scope for every role (SPEC §1, 000 §7; issue 19 item 3)', () => {
  it('000 §7: an evaluator reads its own body’s objects and nothing else', () => {
    expect(scope.allows(evaluator, { regionPath: '/420000/420100/', bodyCode: '420000' }, 'read')).toBe(true);
    expect(scope.allows(evaluator, { regionPath: '/420000/420100/', bodyCode: '420100' }, 'read')).toBe(false);
    // An object without a body (an enterprise, an appointment) is not an evaluator's.
    expect(scope.allows(evaluator, { regionPath: '/420000/420100/', enterpriseId: 'e' }, 'read')).toBe(false);
    expect(scope.allows(actor('evaluator'), { regionPath: '/420000/', bodyCode: '420000' }, 'read')).toBe(false);
  });

  it('000 §7: an evaluator writes its own body’s objects only; the offices read a body’s object in their region, never write it', () => {
    const application = { regionPath: '/420000/420100/420102/', enterpriseId: 'e1', bodyCode: '420000' };
    expect(scope.allows(evaluator, application, 'write')).toBe(true);
    expect(scope.allows(actor('evaluator', { regionCode: '420500' }), application, 'write')).toBe(false);
    expect(scope.allows(actor('enterprise', { enterpriseId: 'e1' }), application, 'write')).toBe(true);
    expect(scope.allows(actor('enterprise', { enterpriseId: 'e2' }), application, 'write')).toBe(false);
    expect(scope.allows(city, application, 'read')).toBe(true);
    expect(scope.allows(city, application, 'write')).toBe(false);
    expect(scope.allows(actor('admin'), application, 'write')).toBe(false);
    // An object of no body (an enterprise) stays the office's to write.
    expect(scope.allows(city, { regionPath: '/420000/420100/420102/', enterpriseId: 'e1' }, 'write')).toBe(true);
  });

  it('000 §7: the evaluator’s list filter is its body column; a table without one gives nothing', () => {
    const params: unknown[] = [];
    expect(scope.wherePositional(evaluator, 'c', params, BODY)).toBe('c.body_code = $1');
    expect(params).toEqual(['420000']);
    expect(scope.wherePositional(evaluator, 'e', [], 'id')).toBe('FALSE');
  });

  it('the other roles keep their fragments, with the enterprise column named either way', () => {
    const params: unknown[] = [];
    expect(scope.wherePositional(city, 'c', params, BODY)).toBe('c.region_path LIKE $1');
    expect(params).toEqual(['/420000/420100/%']);
    const own = actor('enterprise', { enterpriseId: 'e1' });
    expect(scope.wherePositional(own, 'v', [], 'enterprise_id')).toBe('v.enterprise_id = $1');
    expect(scope.wherePositional(own, 'c', [], BODY)).toBe('c.enterprise_id = $1');
    expect(scope.wherePositional(actor('admin'), 'c', [], BODY)).toBe('TRUE');
  });

  it('SPEC §1: regionFilter is the scope and, when asked, the region’s subtree looked up in the same statement', () => {
    const params: unknown[] = [];
    expect(scope.regionFilter(city, 'v', params, { enterpriseIdColumn: 'enterprise_id', region: '420102' })).toBe(
      `v.region_path LIKE $1 AND v.region_path LIKE (SELECT r.path || '%' FROM region r WHERE r.code = $2)`,
    );
    expect(params).toEqual(['/420000/420100/%', '420102']);
    const none: unknown[] = [];
    expect(scope.regionFilter(city, 'v', none, { region: null })).toBe('v.region_path LIKE $1');
    expect(none).toHaveLength(1);
  });
});
